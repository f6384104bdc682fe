#!/usr/bin/env bash
# Healthy when power-dns answers its health URL.
curl -sf http://127.0.0.1:8053/health | grep -q '"status": "UP"' || { echo "power-dns not answering on 8053"; exit 1; }
