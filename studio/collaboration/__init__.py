"""The virtual multi-head microscope: live sessions over WebSockets.

models (studio.models.LiveSession) hold what survives a restart; `state` keeps what moves
(viewport, chat, shared data, highlights, participants) in the Django cache, shared by every
process when REDIS_URL is set; `messages` validates what clients send; `actions` holds the
changes that both views and the consumer make; `consumers` is the thin socket end.
"""
