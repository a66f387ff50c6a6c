from civitas.core.text import search_bigrams


def test_pairs_of_adjacent_chinese_characters_once_each_in_order():
    assert search_bigrams("社区养老，社区") == ["社区", "区养", "养老", "老，", "，社"]


def test_ascii_and_white_space_give_no_pairs_and_end_a_run():
    assert search_bigrams("助老 zhulao ZL 服务队1000人") == ["助老", "服务", "务队"]
    assert search_bigrams("助\u3000老") == []
    assert search_bigrams("a") == search_bigrams("助") == search_bigrams("") == []


def test_letters_with_case_give_no_pairs_and_end_a_run():
    assert search_bigrams("Ж助老é") == ["助老"]
    assert search_bigrams("助é老") == []


def test_a_words_pairs_are_among_those_of_any_text_holding_it_in_any_case():
    text = "清朗网络·文明同行 Café ЖЖ助老服务 qinglang 1000人"
    pairs = set(search_bigrams(text))
    for folded in (text, text.lower(), text.upper()):
        for start in range(len(folded)):
            for end in range(start + 1, len(folded) + 1):
                assert set(search_bigrams(folded[start:end])) <= pairs, folded[start:end]
