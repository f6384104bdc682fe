#!/usr/bin/env bash
# Healthy when the three platform apps answer their health URLs.
for port in 8080 8081 8082; do
  curl -sf "http://127.0.0.1:$port/health" | grep -q '"status": "UP"' || { echo "platform app on $port not answering"; exit 1; }
done
