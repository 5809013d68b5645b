"""Shared Streamlit helpers for the pages (not pages themselves).

`ui` draws what several pages share (banners, questions, the body map, the
emergency box); `store` connects a session to its storage; `state` holds the
one `SessionKey` enum of every session-state key. Streamlit does not treat a
sub-folder of `pages/` as pages, so these never appear in the navigation.
"""
