"""Trends: the 2-point rule, the 6-week GP rule, chart data, and plain wording."""

from __future__ import annotations

import datetime as dt

import pytest

from backcare.diary import trends
from backcare.diary.entries import DiaryEntry
from backcare.diary.trends import Direction, summarise
from backcare.engine.scores import MEANINGFUL_PAIN_CHANGE

TODAY = dt.date(2026, 6, 30)


def days(pains: list[int], end: dt.date = TODAY, minutes: int = 20) -> list[DiaryEntry]:
    """One entry a day ending at ``end``, with the given pain scores."""
    start = end - dt.timedelta(days=len(pains) - 1)
    return [
        DiaryEntry(start + dt.timedelta(days=i), p, min(10, p + 1), minutes)
        for i, p in enumerate(pains)
    ]


def test_meaningful_change_is_the_spec_value():
    assert MEANINGFUL_PAIN_CHANGE == 2


@pytest.mark.parametrize(
    ("change", "direction"),
    [(-3, "better"), (-2, "better"), (-1.9, "same"), (0, "same"), (1.9, "same"), (2, "worse")],
)
def test_direction_at_the_two_point_threshold(change, direction):
    assert trends.direction_of(change) is Direction(direction)


def test_pain_down_three_points_over_four_weeks():
    trend = summarise(days([6] * 7 + [5] * 7 + [4] * 7 + [3] * 7), today=TODAY)
    assert trend.direction is Direction.BETTER
    assert trend.change == -3
    assert trend.text == "Your pain is down 3 points over 4 weeks. That is a real change."
    assert trend.advice is None


def test_worse_pain_always_gets_gp_advice():
    trend = summarise(days([3] * 7 + [6] * 7), today=TODAY)
    assert trend.direction is Direction.WORSE and trend.see_gp
    assert "getting worse" in trend.advice


def test_small_changes_are_about_the_same():
    trend = summarise(days([5, 5, 4, 5, 4, 5, 5, 4, 4, 4, 4, 4, 4, 4]), today=TODAY)
    assert trend.direction is Direction.SAME
    assert "less than 2 points" in trend.text


@pytest.mark.parametrize(("count", "direction"), [(0, "no_data"), (2, "too_few"), (6, "too_few")])
def test_too_little_data_gives_no_trend(count, direction):
    trend = summarise(days([5] * count), today=TODAY)
    assert trend.direction is Direction(direction) and trend.change is None


@pytest.mark.parametrize(
    ("diary_days", "gp"),
    [(42, False), (43, True)],  # first entry 41 days ago = 5.9 weeks; 42 days ago = 6 weeks
)
def test_not_better_after_six_weeks_means_see_a_gp(diary_days, gp):
    trend = summarise(days([5] * diary_days), today=TODAY)
    assert trend.see_gp is gp
    if gp:
        assert trend.advice == "Your pain is not better after 6 weeks. Book a GP appointment."


def test_better_after_six_weeks_needs_no_gp():
    trend = summarise(days([7] * 20 + [4] * 30), today=TODAY)
    assert trend.weeks_with_pain >= 6 and trend.see_gp is False


def test_no_pain_now_needs_no_gp():
    assert summarise(days([0] * 50), today=TODAY).see_gp is False


@pytest.mark.parametrize(("weeks", "gp"), [(4.0, False), (5.0, True)])
def test_pain_weeks_from_the_symptom_check_count_up(weeks, gp):
    """Answered 'N weeks' 7 days ago, plus a 7-day diary of steady pain."""
    checked = TODAY - dt.timedelta(days=7)
    trend = summarise(days([5] * 7), today=TODAY, reported=(weeks, checked))
    assert trend.weeks_with_pain == weeks + 1
    assert trend.see_gp is gp


def test_pain_frame_has_a_seven_day_average():
    frame = trends.pain_frame(days([1, 2, 3, 4, 5, 6, 7, 8]))
    assert frame["average"].tolist()[:3] == [1, 1.5, 2]
    assert frame["average"].tolist()[-1] == pytest.approx(5)  # mean of 2..8


def test_activity_frame_pairs_done_and_planned_minutes():
    entries = days([3, 3, 3], minutes=25)
    plan = {
        "weeks": [
            {
                "week": 1,
                "sessions": [
                    {"date": TODAY.isoformat(), "minutes": 30, "exercises": []},
                    {"date": "2020-01-01", "minutes": 30, "exercises": []},  # outside the diary
                    {"date": "not a date", "minutes": 5},
                ],
            }
        ]
    }
    frame = trends.activity_frame(entries, plan)
    words = trends.wording()["chart"]
    assert sorted(frame[frame.kind == words["planned"]]["minutes"]) == [30]
    assert sorted(frame[frame.kind == words["done"]]["minutes"]) == [25, 25, 25]
    assert trends.activity_frame(entries, {"refused": "no"})["kind"].eq(words["done"]).all()


def test_calendar_marks_logged_active_days():
    entries = [DiaryEntry(TODAY, 2, 3, 15), DiaryEntry(TODAY - dt.timedelta(days=1), 2, 3, 0)]
    frame = trends.calendar_frame(entries, TODAY).set_index("date")
    active, rest = trends.wording()["chart"]["active"], trends.wording()["chart"]["rest"]
    assert frame.loc[TODAY.isoformat(), "status"] == active
    assert frame.loc[(TODAY - dt.timedelta(days=1)).isoformat(), "status"] == rest
    assert len(frame) > 7 * (trends.CALENDAR_WEEKS - 1)


def test_pain_chart_renders_to_png_offline():
    png = trends.chart_png(trends.pain_chart(days([6, 5, 5, 4, 4, 3, 3, 2])))
    assert png.startswith(b"\x89PNG")


def test_chart_spec_holds_the_two_point_line():
    spec = trends.pain_chart(days([6] * 7 + [3] * 7)).to_dict()
    values = [d for ds in spec.get("datasets", {}).values() for d in ds if "what" in d]
    assert values == [{"value": 4.0, "what": trends.wording()["chart"]["target"]}]


def _sentences(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _sentences(v, f"{path}.{k}")
    elif isinstance(node, str) and len(node.split()) >= 6:
        yield path, node


def test_charts_draw_only_the_latest_weeks_of_a_long_diary():
    long_diary = days([4] * 3000)
    spec = trends.pain_chart(long_diary).to_dict()
    drawn = {d["date"] for ds in spec["datasets"].values() for d in ds if "date" in d}
    assert len(drawn) == trends.CHART_DAYS
    assert max(drawn) == TODAY.isoformat()
    trends.activity_chart(long_diary, None).to_dict()  # no row-limit error either


@pytest.mark.parametrize(("days", "step"), [(1, 1), (2, 1), (8, 1), (9, 2), (60, 8), (182, 23)])
def test_date_axis_ticks_whole_days_at_most_about_8_labels(days, step):
    start = dt.date(2026, 1, 1)
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    axis = trends.day_axis(dates).to_dict()
    assert axis["tickCount"] == {"interval": "day", "step": step}
    assert -(-days // step) <= trends.MAX_DATE_LABELS
