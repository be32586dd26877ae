"""Settings: environment over the settings file over defaults; SQLite in the data directory by default."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyberrx.config import load_settings


def test_environment_wins_over_the_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cyberrx.toml"
    path.write_text('database_url = "sqlite:///from-file.db"\nport = 9001\nsync_trials_max = 5\n')
    monkeypatch.setenv("CYBERRX_SETTINGS_FILE", str(path))
    monkeypatch.setenv("CYBERRX_PORT", "9002")
    monkeypatch.delenv("CYBERRX_DATABASE_URL", raising=False)
    s = load_settings()
    assert (s.database_url, s.port, s.sync_trials_max) == ("sqlite:///from-file.db", 9002, 5)
    assert load_settings(port=9003).port == 9003


def test_default_database_is_sqlite_under_the_user_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CYBERRX_SETTINGS_FILE", raising=False)
    monkeypatch.delenv("CYBERRX_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = load_settings().resolved_database_url()
    assert url == f"sqlite:///{tmp_path / 'cyberrx' / 'cyberrx.db'}"
