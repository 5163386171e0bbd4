"""The session side: what runs in the GUI or command-line process around a run.

:class:`engine.session.session.Session` spawns the run process and forwards its events;
the telemetry sampler thread (:mod:`engine.session.telemetry`), the run store
(:mod:`engine.session.store`), the device list (:mod:`engine.session.devices`) and the
weights hand-over (:mod:`engine.session.handover`) live beside it. Nothing here imports
torch: the GUI process never initializes CUDA.
"""
