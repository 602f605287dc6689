#!/usr/bin/env sh
# Creates infra/compose/secrets/ with generated database and vault secrets, and empty files for the
# vendor credentials you paste in (Slack bot token, signing secret, Okta private key). Re-running it
# keeps files that already exist.
set -eu
cd "$(dirname "$0")"
mkdir -p secrets && chmod 700 secrets
[ -s secrets/postgres_password ] || head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > secrets/postgres_password
[ -s secrets/database_url ] || printf 'postgres://keyward:%s@postgres:5432/keyward' "$(cat secrets/postgres_password)" > secrets/database_url
[ -s secrets/secret_encryption_key ] || head -c 32 /dev/urandom | base64 > secrets/secret_encryption_key
for f in slack_bot_token slack_signing_secret okta_private_key; do [ -e "secrets/$f" ] || : > "secrets/$f"; done
chmod 600 secrets/*
echo "Now paste the Slack bot token, the Slack signing secret and the Okta private key (PEM) into infra/compose/secrets/."
[ -e policy.yaml ] || echo "Then write your policy: cp packages/policy/policies/default.policy.yaml infra/compose/policy.yaml and make it yours (README \"The policy\")."
