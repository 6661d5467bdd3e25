"""Files the bot ships: DejaVu Sans (every Kazakh letter) for certificates and charts."""

from pathlib import Path

FONTS = Path(__file__).with_name("fonts")
REGULAR_FONT = FONTS / "DejaVuSans.ttf"
BOLD_FONT = FONTS / "DejaVuSans-Bold.ttf"
