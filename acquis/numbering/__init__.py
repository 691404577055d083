"""Official numbers: one yearly counter per certifier and kind (services.draw)."""
