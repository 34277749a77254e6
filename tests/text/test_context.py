from archive.text.context import sentence_around

TEXT = (
    "Officials met on Sunday. Sarraj said the talks were “very positive” for Libya. "
    "Others disagreed.\nA new paragraph begins here."
)


def around(text, quote):
    start = text.index(quote)
    return sentence_around(text, start, start + len(quote))


def test_the_quote_with_the_rest_of_its_sentence():
    assert around(TEXT, "the talks were “very positive”") == (
        "Sarraj said ",
        "the talks were “very positive”",
        " for Libya.",
    )


def test_stops_at_a_paragraph_break_and_works_in_arabic():
    text = "قال السراج إن المحادثات كانت إيجابية جدا. وأضاف أن التعاون سيستمر\nفقرة أخرى."
    before, quote, after = around(text, "التعاون سيستمر")
    assert (before, quote, after) == ("وأضاف أن ", "التعاون سيستمر", "")
    before, quote, after = around(TEXT, "Others")
    assert (before, after) == ("", " disagreed.")


def test_long_context_is_cut_at_a_word_and_marked():
    text = "word " * 300 + "QUOTE" + " more" * 300 + "."
    before, quote, after = around(text, "QUOTE")
    assert quote == "QUOTE"
    assert before.startswith("…") and len(before) <= 402
    assert after.endswith("…") and len(after) <= 402


def test_offsets_out_of_range_do_not_fail():
    assert sentence_around("Short.", 50, 80) == ("", "", "")
    assert sentence_around("Short text.", 6, 0)[1] == "Short "
