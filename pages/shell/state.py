"""Every session-state key of the app, in one enum.

Pages and tests read and write `st.session_state[SessionKey.X]`, never a bare
string, so a typo is an AttributeError at once instead of a silent new key.
Widget keys of questions are ``WIDGET_PREFIX + answer key`` (see `ui`).
"""

from enum import StrEnum


class SessionKey(StrEnum):
    """Names of the values a session keeps between reruns."""

    ANSWERS = "answers"  # the answers given so far (clean, engine keys)
    ASSESSMENT = "assessment"  # the latest Assessment shown
    NAV_CHECKED = "_app_navigation_checked"  # deep-link guard ran (see ui)
    STEP = "check_step"  # which symptom-check step is shown
    GATE_KEYS = "check_gate_keys"  # safety questions asked before a result
    CHECK_ACTION = "_check_action"  # the button pressed on the last run
    BODY_MAP = "body_map"  # body-map chart selection
    BODY_MAP_N = "body_map_n"  # body-map widget generation (to reset it)
    PROGRESS_FLASH = "_progress_flash"  # one-off message after a diary import
    STORE = "_backcare_store"  # this session's private store
    SAVED_ASSESSMENT = "_backcare_saved_assessment"  # the assessment already saved
    PLAN = "plan"  # the latest plan built
    DONT_KNOW = "dont_know"  # safety questions answered "I don't know" (asked, left open)
    EMERGENCY_ACK = "emergency_ack"  # emergency rule ids the person said they got help for
    EXPORTED_PLAN = "exported_plan"  # the plan last exported to the calendar
    RETURN_TO = "return_to"  # the page to go back to after the safety questions
    RESTORED = "_restored"  # answers and result were read back from storage this session
    BROWSER_SYNC = "_backcare_browser_sync"  # the browser-kept copy's state (browser_store)


#: Widget keys of questions: this prefix and the answer key (``q_age``).
WIDGET_PREFIX = "q_"
#: The extra option of a safety question asked before a result.
DONT_KNOW = "__dont_know__"
