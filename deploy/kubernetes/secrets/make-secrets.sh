#!/usr/bin/env bash
# Makes the files deploy/kubernetes/secrets/kustomization.yaml turns into the Secrets latch-gateway-secrets and
# latch-redis-acl, with fresh random values. Run it once per installation, on the machine you apply from:
#   deploy/kubernetes/secrets/make-secrets.sh [--tls] [--force] [--output DIR]
#   kubectl apply -k deploy/kubernetes/secrets
# Writes (mode 600, git-ignored):
#   hash-key                 openssl rand -base64 32: the key codes are hashed with, the same for every replica
#   admin-key-sha256         the SHA-256 of a new random admin API key (scopes: see the Deployment); the key itself
#                            is printed once on stdout, as LATCH_ADMIN_KEY=..., and stored nowhere: keep it in your
#                            password manager
#   redis-connection-string  the gateway's connection string to latch-redis as the ACL user latch-gateway, with a
#                            new random password (--tls adds ssl=true, for components/redis-tls)
#   users.acl                Redis's users; the gateway's holds only the SHA-256 of that password
# It refuses to replace files that exist (a second run would lock the running gateway out of Redis and
# invalidate every code); --force replaces them. Needs bash and openssl.
set -euo pipefail

output=$(cd "$(dirname "$0")" && pwd)
force=no
tls=no
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=yes ;;
    --tls) tls=yes ;;
    --output) output=${2:?--output needs a folder}; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "make-secrets.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

command -v openssl >/dev/null || { echo "make-secrets.sh: openssl is needed" >&2; exit 1; }
[ -d "$output" ] || { echo "make-secrets.sh: $output is not a folder" >&2; exit 1; }

files=(hash-key admin-key-sha256 redis-connection-string users.acl)
if [ "$force" = no ]; then
  existing=()
  for file in "${files[@]}"; do
    [ -e "$output/$file" ] && existing+=("$output/$file")
  done
  if [ ${#existing[@]} -gt 0 ]; then
    echo "make-secrets.sh: refusing to overwrite ${existing[*]}" >&2
    echo "  New values lock the running gateway out of Redis and invalidate every code and the admin key;" >&2
    echo "  run again with --force if that is what you want, then re-apply and restart both workloads." >&2
    exit 1
  fi
fi

sha256() { printf %s "$1" | openssl dgst -sha256 -r | cut -d' ' -f1; }

# Each file is written beside its final name, mode 600 from the start, and moved into place.
umask 077
write() {
  printf %s "$2" > "$output/.$1.tmp"
  chmod 600 "$output/.$1.tmp"
  mv -f "$output/.$1.tmp" "$output/$1"
}

admin_key=$(openssl rand -hex 32)
redis_password=$(openssl rand -hex 32)
ssl=""
[ "$tls" = yes ] && ssl="ssl=true,"

write hash-key "$(openssl rand -base64 32)"
write admin-key-sha256 "$(sha256 "$admin_key")"
# tiebreaker= and configChannel= keep the client from using a key and a pub/sub channel the ACL does not allow.
write redis-connection-string "latch-redis:6379,${ssl}user=latch-gateway,password=${redis_password},tiebreaker=,configChannel="
# Users (Redis's ACL file has no comments):
#   default        disabled: a connection that does not authenticate can do nothing.
#   latch-gateway  the gateway: only keys under latch: (Latch:Store:KeyPrefix; change both together), only the data
#                  and scripting commands it uses; no FLUSHALL/FLUSHDB, KEYS, CONFIG, DEBUG, ACL, SHUTDOWN, MONITOR
#                  or anything else in @dangerous, no pub/sub channel, no FUNCTION. INFO and CLUSTER NODES/SLOTS
#                  are read by the client when it connects. It also tries CONFIG GET, which is denied: one
#                  config|get entry per connection in ACL LOG is expected, anything else there is not.
#   healthcheck    the probes: PING only, no keys, no password needed.
write users.acl "user default off resetpass resetkeys resetchannels -@all
user latch-gateway on #$(sha256 "$redis_password") resetkeys ~latch:* resetchannels -@all +@read +@write +@connection -@dangerous -function +eval +evalsha +script|load +script|exists +info +cluster|nodes +cluster|slots
user healthcheck on nopass resetkeys resetchannels -@all +ping
"

echo "Wrote ${files[*]} to $output (mode 600, git-ignored)." >&2
echo "The admin API key (key name ops), shown this once; only its SHA-256 is stored:" >&2
echo "LATCH_ADMIN_KEY=$admin_key"
echo "Next: kubectl apply -k $(cd "$output" && pwd), then apply an overlay." >&2
