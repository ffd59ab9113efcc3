"""The Textual app: Timeline, Mentions, Compose and Coach, over the store and the coach.

Only this package imports Textual. The CLI imports it only when it launches
the app (:func:`tuicoach.ui.launch.run`); nothing here runs at import time.
"""
