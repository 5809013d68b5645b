"""Progress: log a day, see the trend and charts, move the diary, get the doctor's report.

A thin shell: the checks are `backcare.diary.entries`, the trend and charts
`backcare.diary.trends`, the storage `pages.shell.store`. Notes are shown only through
st.dataframe (plain text), never as Markdown or HTML.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from backcare.diary import entries as diary
from backcare.diary import trends
from pages.shell import store as store_mod
from pages.shell import ui
from pages.shell.state import SessionKey

ui.use_app_navigation(__file__)

words = trends.wording()["page"]
store = store_mod.store_or_stop()
today = dt.date.today()


st.title(words["title"])
if SessionKey.PROGRESS_FLASH in st.session_state:
    st.success(st.session_state.pop(SessionKey.PROGRESS_FLASH))
st.write(words["intro"])
if store_mod.session_mode():
    st.info(words["session_note"], icon=":material/info:")

entries = store.entries()
names = diary.exercise_names()
todays = next((e for e in entries if e.date == today), None)

# ---- quick log: every field has a sensible default, so a day takes a few taps
st.subheader(words["log_title"])
if todays:
    st.caption(words["already"])
last = todays or (entries[-1] if entries else None)
with st.form("log_day", clear_on_submit=False):
    day = st.date_input(words["day"], value=today, max_value=today, key="log_date")
    left, right = st.columns(2)
    pain_now = left.slider(
        words["pain_now"], 0, 10, last.pain_now if last else 0, key="log_pain_now"
    )
    pain_worst = right.slider(
        words["pain_worst"], 0, 10, last.pain_worst if last else 0, key="log_pain_worst"
    )
    left, right = st.columns(2)
    minutes = left.number_input(
        words["active_minutes"],
        0,
        diary.MINUTES_MAX,
        todays.active_minutes if todays else 0,
        step=5,
        key="log_minutes",
    )
    leg_pain = right.toggle(
        words["leg_pain"], value=last.leg_pain if last else False, key="log_leg_pain"
    )
    sleep = st.segmented_control(
        words["sleep"],
        list(diary.SLEEP_CHOICES),
        format_func=words["sleep_choices"].get,
        default=todays.sleep if todays else None,
        key="log_sleep",
    )
    done = st.multiselect(
        words["exercises"],
        list(names),
        format_func=names.get,
        default=list(todays.exercises) if todays else [],
        key="log_exercises",
    )
    notes = st.text_area(
        words["notes"],
        value=todays.notes if todays else "",
        max_chars=diary.NOTES_MAX,
        key="log_notes",
    )
    submitted = st.form_submit_button(words["save"], type="primary")

if submitted:
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
        }
    )
    if errors:
        st.error(words["not_saved"])
        st.code("\n".join(e.message() for e in errors), language=None)
    else:
        try:
            store.save_entry(entry)
        except store_mod.StorageError as exc:
            st.error(str(exc))
        else:
            st.success(words["saved"].format(date=entry.date.isoformat()))
            entries = store.entries()

# ---- trend and charts
stored = store.assessments()
st.subheader(words["trend_title"])
trend = trends.summarise(
    entries, today=today, reported=trends.reported_duration(stored[-1] if stored else None)
)
st.info(trend.text)
if trend.advice:
    st.warning(trend.advice, icon=":material/medical_services:")

if entries:
    st.subheader(words["charts_title"])
    st.altair_chart(trends.pain_chart(entries), width="stretch")
    st.caption(trends.wording()["meaningful_change"])
    plan = store_mod.current_plan(store)
    st.altair_chart(trends.activity_chart(entries, plan), width="stretch")
    st.altair_chart(trends.calendar_chart(entries, today), width="content")
    st.subheader(words["diary_title"])
    st.dataframe(trends.diary_rows(entries, names), hide_index=True, key="diary_table")

st.subheader(words["assessments_title"])
if stored:
    st.dataframe(trends.history_rows(stored), hide_index=True, key="history_table")
else:
    st.caption(words["no_assessments"])

# ---- move the diary: export and all-or-nothing import
st.subheader(words["move_title"])
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
    load = st.form_submit_button(words["import_button"])
if load and upload is not None:
    try:
        loaded = diary.parse_file(upload.name, upload.getvalue().decode("utf-8-sig"))
        count = store.save_entries(loaded)
    except UnicodeDecodeError:
        st.error(words["import_failed"])
        st.code("file: is not UTF-8 text", language=None)
    except diary.DiaryError as exc:
        st.error(words["import_failed"])
        st.code("\n".join(e.message() for e in exc.errors[:30]), language=None)
    except store_mod.StorageError as exc:
        st.error(str(exc))
    else:
        st.session_state[SessionKey.PROGRESS_FLASH] = words["imported"].format(count=count)
        st.rerun()  # redraw the charts above with the loaded days

# ---- the report for a doctor
st.subheader(words["report_title"])
st.write(words["report_intro"])
latest = stored[-1] if stored else None
session_result = st.session_state.get(SessionKey.ASSESSMENT)
if session_result is not None:
    store_mod.report_download(
        session_result, st.session_state.get(SessionKey.ANSWERS), key="progress_report"
    )
else:
    store_mod.report_download(
        latest.result if latest else None,
        latest.answers if latest else None,
        key="progress_report",
        taken_at=latest.taken_at if latest else None,
    )
