"""condition-archive: archive health condition-center websites over time."""

__version__ = "0.1.0"
