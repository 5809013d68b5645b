"""Choosing exercises that are safe and fit the person's kit, and dosing them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from backcare.planner import library as lib
from backcare.planner.library import Exercise
from backcare.planner.model import (
    PlannedExercise,
)
from backcare.planner.safety import (
    CAUTION_TAGS,
    PlanContext,
    _text,
)


# ----------------------------------------------------------------- choosing
def _allowed(ex: Exercise, ctx: PlanContext, equipment: Iterable[str]) -> bool:
    return not set(ex.movement) & set(ctx.avoid) and ex.needs() <= set(equipment)


@dataclass(frozen=True)
class Chooser:
    """Picks exercises for one plan: safe, with the person's kit, up to a level."""

    ctx: PlanContext
    equipment: tuple[str, ...]
    cap: int
    _pools: dict[tuple[str, str | None], list[Exercise]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def allowed(self, ex: Exercise) -> bool:
        return _allowed(ex, self.ctx, self.equipment)

    def _rank(self, ex: Exercise) -> tuple:
        """Flexion-friendly first for stenosis; then moves with no caution tag (one
        with such a tag only when nothing else fits; position tags such as ``supine``
        do not count); then the hardest within the cap; then the longer (main)
        activities; then file order."""
        order = list(lib.library())
        return (
            self.ctx.stenosis and not ex.flexion_friendly,
            bool(set(ex.movement) & set(CAUTION_TAGS)),
            -ex.level,
            -(ex.dose.minutes or 0),
            order.index(ex.id),
        )

    def pool(self, category: str, target: str | None = None) -> list[Exercise]:
        key = (category, target)
        if key not in self._pools:
            found = [
                ex
                for ex in lib.library().values()
                if ex.category == category
                and ex.level <= self.cap
                and (target is None or target in ex.targets)
                and self.allowed(ex)
            ]
            self._pools[key] = sorted(found, key=self._rank)
        return self._pools[key]

    def shifted(self, ex: Exercise, shift: int) -> Exercise:
        """Follow the harder (shift > 0) or easier (shift < 0) links while they are allowed."""
        for _ in range(abs(shift)):
            ref = ex.harder if shift > 0 else ex.easier
            nxt = lib.library().get(ref) if ref else None
            if nxt is None or not self.allowed(nxt):
                break
            ex = nxt
        return ex

    def pick(
        self,
        category: str,
        targets: Sequence[str],
        turn: int,
        shift: int,
    ) -> list[Exercise]:
        """One exercise per target (no repeats), taking turns between the top two."""
        chosen: list[Exercise] = []
        for target in targets:
            options = self.top_tier([ex for ex in self.pool(category, target) if ex not in chosen])
            if not options:
                continue
            ex = self.shifted(options[turn % min(2, len(options))], shift)
            if ex not in chosen:
                chosen.append(ex)
        return chosen

    def top_tier(self, options: Sequence[Exercise]) -> list[Exercise]:
        """The options as good as the first on preference and tags (so turn-taking
        never swaps a plain move for a tagged one)."""
        if not options:
            return []
        tier = self._rank(options[0])[:2]
        return [ex for ex in options if self._rank(ex)[:2] == tier]

    def aerobic_pair(self) -> tuple[Exercise, ...]:
        """The best aerobic option, and the best one using different kit, to take turns.

        So a person with a pool or bike gets to use it, without dropping walking.
        The second choice comes from the same tier (flexion-friendly for stenosis,
        untagged) as the first when there is one.
        """
        options = self.top_tier(self.pool("aerobic"))
        if not options:
            return ()
        first, rest = options[0], options[1:]
        other = [ex for ex in rest if ex.equipment != first.equipment]
        return (first, (other or rest or [first])[0])

    def gentle_move(self) -> Exercise:
        """The easiest aerobic move needing no kit, for the 5-minute bad-day version."""
        home = [ex for ex in self.pool("aerobic") if not ex.needs()]
        return min(home, key=lambda ex: ex.level, default=lib.get("march_in_place"))


# ----------------------------------------------------------------- dosing
def dose_text(ex: Exercise, sets: int | None = None, minutes: int | None = None) -> str:
    """The dose in plain words, from the templates in `data/planner.yaml`."""
    d = ex.dose
    if d.kind == "minutes":
        key = "aerobic" if ex.category == "aerobic" else "minutes"
        return _text("dose", key, minutes=minutes if minutes is not None else d.minutes)
    sets = d.sets if sets is None else sets
    key = d.kind + ("_one" if sets == 1 else "") + ("_per_side" if d.per_side else "")
    return _text("dose", key, sets=sets, reps=d.reps, seconds=d.hold_seconds)


def planned(ex: Exercise, sets: int | None = None, minutes: int | None = None) -> PlannedExercise:
    """An exercise with a dose: full sets, fewer sets, or a number of minutes."""
    if minutes is None:
        dose = ex.dose if sets is None else ex.dose.with_sets(sets)
        minutes = dose.estimated_minutes()
    return PlannedExercise(
        ex.id, ex.name, ex.category, ex.movement, dose_text(ex, sets, minutes), minutes
    )


def fit(ex: Exercise, budget: int) -> PlannedExercise | None:
    """The exercise at full dose if it fits the minutes left, else fewer sets, else None."""
    if ex.dose.kind == "minutes":
        return planned(ex, minutes=min(ex.dose.minutes or 0, budget)) if budget >= 1 else None
    for sets in range(ex.dose.sets or 1, 0, -1):
        item = planned(ex, sets=sets)
        if item.minutes <= budget:
            return item
    return None


def fill(choices: Iterable[Exercise], budget: int, most: int) -> list[PlannedExercise]:
    """As many of the choices as fit in ``budget`` minutes (at most ``most``)."""
    out: list[PlannedExercise] = []
    for ex in choices:
        item = fit(ex, budget)
        if item is not None and len(out) < most:
            out.append(item)
            budget -= item.minutes
    return out
