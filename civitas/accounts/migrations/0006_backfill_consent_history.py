from django.db import migrations


def backfill(apps, schema_editor):
    VolunteerProfile = apps.get_model("accounts", "VolunteerProfile")
    ConsentRecord = apps.get_model("accounts", "ConsentRecord")
    rows = [
        ConsentRecord(
            user_id=profile.user_id,
            version=profile.privacy_consent_version,
            given_at=profile.privacy_consent_at,
            by_guardian=profile.registered_by_guardian,
        )
        for profile in VolunteerProfile.objects.only(
            "user_id", "privacy_consent_version", "privacy_consent_at", "registered_by_guardian"
        ).iterator(chunk_size=2000)
    ]
    ConsentRecord.objects.bulk_create(rows, batch_size=2000)


def forget(apps, schema_editor):
    apps.get_model("accounts", "ConsentRecord").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_audit_trail_and_consents")]
    operations = [migrations.RunPython(backfill, forget)]
