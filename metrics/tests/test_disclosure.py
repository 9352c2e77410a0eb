"""Small numbers are never shown, and no total gives one away."""

from metrics.disclosure import SUPPRESSED, suppress_breakdown, suppress_count, suppress_rate


def test_counts_one_to_four_are_suppressed_zero_and_five_are_not():
    assert [suppress_count(n) for n in (0, 1, 4, 5, 120)] == [0, SUPPRESSED, SUPPRESSED, 5, 120]


def test_rates_with_small_numerator_denominator_or_complement_are_suppressed():
    assert suppress_rate(50.0, 2, 4) == SUPPRESSED
    assert suppress_rate(30.0, 3, 10) == SUPPRESSED
    assert suppress_rate(90.0, 9, 10) == SUPPRESSED  # 1 not met could be worked out
    assert suppress_rate(50.0, 10, 20) == 50.0


def test_single_small_cell_gets_a_partner_so_the_total_reveals_nothing():
    counts = {"female": 40, "male": 12, "not_stated": 3}
    shown = suppress_breakdown(counts)
    assert shown == {"female": 40, "male": SUPPRESSED, "not_stated": SUPPRESSED}
    visible = [v for v in shown.values() if v != SUPPRESSED]
    hidden_total = sum(counts.values()) - sum(visible)
    assert hidden_total == 15  # two hidden cells share 15: neither can be told


def test_two_small_cells_need_no_partner_and_zeros_stay_visible():
    assert suppress_breakdown({"a": 2, "b": 3, "c": 50, "d": 0}) == {"a": SUPPRESSED, "b": SUPPRESSED, "c": 50, "d": 0}
