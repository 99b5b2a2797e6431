#!/usr/bin/env bash
# Rotate the desk allowlist (examples from the runbook)
set -euo pipefail
aws wafv2 update-ip-set --name desk-allowlist --scope REGIONAL \
    --id 193b2ae4-b7d0-460c-8433-0b6017885870 \
    --lock-token 8c184749-fe7d-40df-a695-31230f3c0d19 \
    --addresses 198.51.100.0/24
aws waf-regional update-ip-set --ip-set-id d24784df-f715-46c2-8fd2-9b8a3fd32634 --change-token e69493e1-b784-4677-914a-0a3c812cf1f2
aws dynamodb list-tables --max-items 2 --starting-token eyJjdXJzb3IiOiAiMzM5NDU3MTYxIiwgInNoYXJkIjogImZ0dnFyZSIsICJsaW1pdCI6IDUwfQ==
aws ecs run-task --cluster settlement --task-definition nightly --client-token e2a36429-f7ea-4b2e-b99d-1c5afa8bebec
