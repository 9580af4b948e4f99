"""The background warm-up of the shared caches (dashboard/ui/warmup.py)."""

from __future__ import annotations

from dashboard.ui import loaders, warmup


def test_the_warm_up_reads_what_the_first_pages_read_in_both_geographies(monkeypatch):
    calls = []
    monkeypatch.setattr(loaders, "vacancy_indicators", lambda **kw: calls.append(("vacancy", kw)))
    monkeypatch.setattr(loaders, "mix_indicators", lambda **kw: calls.append(("mix", kw)))
    warmup.warm()
    assert calls == [("vacancy", {"level": "municipality", "geography": "2025"}),
                     ("vacancy", {"level": "province", "geography": "2025"}), ("mix", {"geography": "2025"}),
                     ("vacancy", {"level": "municipality", "geography": "2018"}),
                     ("vacancy", {"level": "province", "geography": "2018"}), ("mix", {"geography": "2018"})]


def test_a_failing_warm_up_costs_only_the_head_start(monkeypatch, caplog):
    def broken(**_):
        raise OSError("databank weg")

    monkeypatch.setattr(loaders, "vacancy_indicators", broken)
    warmup.warm()  # no exception
    assert "de caches vooraf vullen lukte niet" in caplog.text


def test_the_warm_up_starts_once_per_process(monkeypatch):
    monkeypatch.setattr(warmup, "_thread", None)
    monkeypatch.setattr(warmup, "warm", lambda: None)
    first = warmup.start()
    assert warmup.start() is first
    first.join(timeout=5)
