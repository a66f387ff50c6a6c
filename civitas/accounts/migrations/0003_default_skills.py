from django.db import migrations

SKILLS = [
    ("first_aid", "急救", "First aid"),
    ("sign_language", "手语", "Sign language"),
    ("photography", "摄影摄像", "Photography"),
    ("translation", "外语翻译", "Translation"),
    ("tutoring", "教学辅导", "Tutoring"),
    ("legal", "法律咨询", "Legal advice"),
    ("nursing", "医疗护理", "Nursing"),
    ("driving", "驾驶", "Driving"),
    ("counseling", "心理疏导", "Counseling"),
    ("computing", "电脑技能", "Computer skills"),
    ("cooking", "烹饪", "Cooking"),
    ("performing", "文艺表演", "Performing arts"),
]


def add_skills(apps, schema_editor):
    Skill = apps.get_model("accounts", "Skill")
    for code, name, name_en in SKILLS:
        Skill.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})


def remove_skills(apps, schema_editor):
    apps.get_model("accounts", "Skill").objects.filter(code__in=[code for code, _, _ in SKILLS]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(add_skills, remove_skills)]
