"""`ppo-bot certificates` as an operator runs it."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader

from tests.certificate_seed import MEMBER_NAME, seed_ended_training
from tests.cli import ppo_bot


def test_a_forums_certificates_are_written_as_pdf_files(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    (tmp_path / "config.toml").write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    seeded = asyncio.run(seed_ended_training(url, ended_ago=timedelta(days=60)))
    out = tmp_path / "out"
    args = ("certificates", "--forum", str(seeded.forum_id), "--out", str(out))
    written = ppo_bot(*args, "--bot", "ppo_test_bot", "--language", "en", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    paths = sorted(out.glob("certificate-*.pdf"))
    assert [str(path) for path in paths] == sorted(written.stdout.split())
    assert len(paths) == 2  # the member and the guest who came; not the one who did not
    texts = [PdfReader(io.BytesIO(p.read_bytes())).pages[0].extract_text() for p in paths]
    assert sum(MEMBER_NAME in text for text in texts) == 1
    assert all("https://t.me/ppo_test_bot?start=verify-" in text for text in texts)
    assert "2 certificates written" in written.stderr
    assert "1 of them belong to guests" in written.stderr
    assert all("CERTIFICATE" in text for text in texts)

    other = ppo_bot("certificates", "--forum", "99", "--out", str(out), "--bot", "b", cwd=tmp_path)
    assert other.returncode == 2
    assert other.stderr.strip().startswith("ppo-bot: no forum with id 99")
    tokenless = ppo_bot(*args, cwd=tmp_path)
    assert tokenless.returncode == 2
    assert tokenless.stderr.strip() == (
        "ppo-bot: give --bot USERNAME (the QR codes link to the bot), or set telegram.token"
    )
    assert "Traceback" not in other.stderr + tokenless.stderr
