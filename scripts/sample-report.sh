#!/usr/bin/env bash
# Make docs/img/sample-report.png: page 1 of the clinician report for a made-up
# patient (docs/report.md shows it). Run it after changing the report's layout
# or data/report.yaml:
#
#   bash scripts/sample-report.sh            # writes docs/img/sample-report.png
#   bash scripts/sample-report.sh out.pdf    # also keeps the whole PDF
#
# Needs pdftoppm (Debian's poppler-utils); as root it is installed when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/venv.sh
ensure_venv requirements.txt

if ! command -v pdftoppm >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null)
  else
    echo "pdftoppm is missing: install Debian's poppler-utils." >&2
    exit 1
  fi
fi

pdf=${1:-$(mktemp --suffix .pdf)}
.venv/bin/python - "$pdf" <<'EOF'
import datetime as dt
import sys
from pathlib import Path

from backcare import assess
from backcare.diary.entries import DiaryEntry
from backcare.diary.report import build_report
from backcare.planner import plan

# A made-up patient: 58, sciatica for 3 weeks, on a blood thinner, osteoporosis.
TODAY = dt.date(2026, 6, 30)
ANSWERS = {
    "age": 58, "sex": "female", "pain_now": 6, "pain_week_worst": 8, "duration_weeks": 3,
    "onset": "gradual", "trauma": "none", "areas": ["lower_back", "buttock", "thigh"],
    "pain_character": ["aching", "electric"], "leg_pain": "one_leg",
    "leg_pain_below_knee": True, "leg_pain_worse_than_back": False, "leg_numbness": "none",
    "leg_weakness": "none", "walking_unsteady": False, "saddle_numbness": False,
    "bladder_change": False, "bowel_change": False, "sexual_change": False,
    "worse_with": ["sitting", "bending"], "better_with": ["movement"], "pain_constant": False,
    "night_pain": "none", "fever": False, "feels_unwell": False, "unexplained_weight_loss": False,
    "cancer_history": False, "immunosuppressed": False, "long_term_steroids": False,
    "iv_drug_use": False, "recent_infection_or_procedure": False, "osteoporosis": True,
    "height_loss": False, "spine_curve": False, "previous_episodes": True,
    "fear_of_activity": True, "worry": True, "catastrophising": False, "low_mood": False,
    "bothersomeness": "very", "getting_worse": False, "anticoagulant": True, "diabetes": False,
    "abdominal_pain": False, "pulsing_in_abdomen": False, "known_aneurysm": False,
    "fainting": False, "urine_symptoms": [], "pain_in_waves": False, "rash": False,
}
result = assess(ANSWERS)
entries = [
    DiaryEntry(TODAY - dt.timedelta(days=27 - i), max(2, 7 - i // 5), max(3, 8 - i // 6),
               10 + i, (), i % 3 == 0, "poor" if i % 6 == 0 else "good",
               "Walked to the shop and back." if i % 9 == 0 else "")
    for i in range(28)
]
profile = {"days": ["mon", "wed", "fri"], "minutes_per_session": 30, "start_date": "2026-06-15",
           "cleared": True, "cleared_on": "2026-06-12"}
made = plan(profile, ANSWERS, today=TODAY)
pdf = build_report(
    result=result.to_dict(), answers=result.answers, entries=entries, plan=made.to_dict(),
    taken_at=dt.datetime(2026, 6, 28, 9, 0), today=TODAY,
    patient_name="Alex Example", date_of_birth="1968-03-14",
)
Path(sys.argv[1]).write_bytes(pdf)
EOF
pdftoppm -png -r 110 -f 1 -l 1 -singlefile "$pdf" docs/img/sample-report
echo "Wrote docs/img/sample-report.png (page 1 of $pdf)."
