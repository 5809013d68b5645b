"""Placeholder page: built in a later issue."""

import streamlit as st

st.info("This page is being built.")
