"""Progress: log a day, see the trend and charts, move the diary, get the doctor's report.

A thin shell: the checks are `backcare.diary.entries`, the trend and charts
`backcare.diary.trends`, the storage `pages.shell.store`. Notes are shown only through
st.dataframe (plain text), never as Markdown or HTML.
"""

from __future__ import annotations

import streamlit as st

from backcare.diary import entries as diary
from backcare.diary import trends
from pages.shell import browser_store, exports, flow, ui
from pages.shell import store as store_mod
from pages.shell.state import SessionKey

ui.use_app_navigation(__file__)
flow.restore_session()

words = trends.wording()["page"]
store = store_mod.store_or_stop()
today = store_mod.today()


st.title(words["title"])
if SessionKey.PROGRESS_FLASH in st.session_state:
    st.success(st.session_state.pop(SessionKey.PROGRESS_FLASH))
st.write(words["intro"])
browser_store.render_browser_storage_panel()

entries = store.entries()
names = diary.exercise_names()
PAIN_SCALE = list(range(diary.PAIN_MIN, diary.PAIN_MAX + 1))

# ---- log a day: the date picked first; the form then shows that day's entry, or a blank one
st.header(words["log_title"])
day = st.date_input(words["day"], value=today, max_value=today, key="log_date")
shown = next((e for e in entries if e.date == day), None)
if shown:
    st.caption(words["already"].format(date=f"{day:%d %B %Y}"))
# Widget keys carry the date, so each day starts from its own entry (or blank), never
# from the day shown before.
k = day.isoformat()
with st.form(f"log_day_{k}", clear_on_submit=False):
    pain_now = st.segmented_control(
        words["pain_now"],
        PAIN_SCALE,
        default=shown.pain_now if shown else None,
        key=f"log_pain_now_{k}",
    )
    pain_worst = st.segmented_control(
        words["pain_worst"],
        PAIN_SCALE,
        default=shown.pain_worst if shown else None,
        key=f"log_pain_worst_{k}",
    )
    left, right = st.columns(2)
    minutes = left.number_input(
        words["active_minutes"],
        0,
        diary.MINUTES_MAX,
        shown.active_minutes if shown else 0,
        step=5,
        key=f"log_minutes_{k}",
    )
    leg_pain = right.toggle(
        words["leg_pain"], value=shown.leg_pain if shown else False, key=f"log_leg_pain_{k}"
    )
    sleep = st.segmented_control(
        words["sleep"],
        list(diary.SLEEP_CHOICES),
        format_func=words["sleep_choices"].get,
        default=shown.sleep if shown else None,
        key=f"log_sleep_{k}",
    )
    done = st.multiselect(
        words["exercises"],
        list(names),
        format_func=names.get,
        default=list(shown.exercises) if shown else [],
        key=f"log_exercises_{k}",
    )
    notes = st.text_area(
        words["notes"],
        value=shown.notes if shown else "",
        max_chars=diary.NOTES_MAX,
        key=f"log_notes_{k}",
    )
    submitted = st.form_submit_button(words["save"], type="primary", key=f"log_save_{k}")

if submitted and (pain_now is None or pain_worst is None):
    st.error(words["pain_needed"], icon=":material/error:")
elif submitted:
    entry, errors = diary.check_entry(
        {
            "date": day,
            "pain_now": pain_now,
            "pain_worst": pain_worst,
            "active_minutes": minutes,
            "exercises": done,
            "leg_pain": leg_pain,
            "sleep": sleep,
            "notes": notes,
        },
        today=today,
    )
    if errors:
        st.error(words["not_saved"], icon=":material/error:")
        st.code("\n".join(e.message() for e in errors), language=None)
    else:
        try:
            store.save_entry(entry)
        except store_mod.StorageError as exc:
            store_mod.show_storage_error(exc)
        else:
            st.success(words["saved"].format(date=f"{entry.date:%d %B %Y}"))
            entries = store.entries()

# ---- trend and charts
stored = store.assessments()
st.header(words["trend_title"])
trend = trends.summarise(
    entries, today=today, reported=trends.reported_duration(stored[-1] if stored else None)
)
st.info(trend.text)
if trend.advice:
    st.warning(trend.advice, icon=":material/medical_services:")

if entries:
    st.header(words["charts_title"])
    st.altair_chart(trends.pain_chart(entries), width="stretch")
    st.caption(trends.wording()["meaningful_change"])
    plan = store_mod.current_plan(store)
    st.altair_chart(trends.activity_chart(entries, plan), width="stretch")
    st.altair_chart(trends.calendar_chart(entries, today), width="content")
    st.header(words["diary_title"])
    st.dataframe(trends.diary_rows(entries, names), hide_index=True, key="diary_table")

st.header(words["assessments_title"])
if stored:
    st.dataframe(trends.history_rows(stored), hide_index=True, key="history_table")
else:
    st.caption(words["no_assessments"])

# ---- move the diary: export and all-or-nothing import
st.header(words["move_title"])
st.write(words["move_intro"])
left, right = st.columns(2)
left.download_button(
    words["export_csv"],
    diary.to_csv(entries),
    file_name="backcare-diary.csv",
    mime="text/csv",
    on_click="ignore",
    key="export_csv",
)
right.download_button(
    words["export_json"],
    diary.to_json(entries),
    file_name="backcare-diary.json",
    mime="application/json",
    on_click="ignore",
    key="export_json",
)
with st.form("import_diary", clear_on_submit=True):
    upload = st.file_uploader(words["import_file"], type=["csv", "json"], key="import_file")
    load = st.form_submit_button(words["import_button"], key="import_submit")
if load and upload is not None:
    try:
        loaded = diary.parse_file(upload.name, upload.getvalue(), today=today)
        count = store.save_entries(loaded)
    except diary.DiaryError as exc:
        st.error(words["import_failed"])
        st.code("\n".join(e.message() for e in exc.errors[:30]), language=None)
    except store_mod.StorageError as exc:
        store_mod.show_storage_error(exc)
    else:
        st.session_state[SessionKey.PROGRESS_FLASH] = words["imported"].format(count=count)
        st.rerun()  # redraw the charts above with the loaded days

# ---- the report for a doctor
st.header(words["report_title"])
st.write(words["report_intro"])
latest = flow.latest_assessment()
exports.report_section(latest, latest.answers if latest else None, key="progress_report")
if latest is not None:
    exports.fhir_download(latest, key="progress_fhir")
    exports.clinician_summary_block(latest)
