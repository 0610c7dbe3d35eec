#!/usr/bin/env bash
# A handover walk-through against a running kanribo with the demo data:
#   npm run seed:demo && npm start      # then, in another shell:
#   bash docs/walkthrough.sh
# It logs in as demo.officer and demo.handler with what seed:demo wrote to
# data/demo-logins.env (DATA_DIR/demo-logins.env): the one-time passwords,
# which it changes on first use to a new one it keeps in that file as
# DEMO_NEW_PASSWORD, and the TOTP secrets (the codes come from `npm run totp`).
# Variables, all optional:
#   API           the service's API address (default: the file's, else http://localhost:3000/api)
#   DATA_DIR      where seed:demo wrote demo-logins.env (default ./data)
#   OFFICER_PW, OFFICER_TOTP, HANDLER_PW, HANDLER_TOTP, NEW_PASSWORD
#                 instead of the file's values
# The 管理簿 it downloads goes to a new temporary folder, whose name it prints.
set -euo pipefail
fail() { echo "walkthrough: $*" >&2; exit 1; }
LOGINS=${DATA_DIR:-./data}/demo-logins.env
GIVEN_API=${API:-}
# shellcheck source=/dev/null
if [ -f "$LOGINS" ]; then . "$LOGINS"; fi
API=${GIVEN_API:-${API:-http://localhost:3000/api}}
API=${API%/}
curl -sS --max-time 10 -o /dev/null "$API/health" 2>/dev/null || fail "cannot reach $API (is the service running? set API to its address)"
OFFICER_PW=${OFFICER_PW:-${DEMO_OFFICER_PASSWORD:-}}
OFFICER_TOTP=${OFFICER_TOTP:-${DEMO_OFFICER_TOTP:-}}
HANDLER_PW=${HANDLER_PW:-${DEMO_HANDLER_PASSWORD:-}}
HANDLER_TOTP=${HANDLER_TOTP:-${DEMO_HANDLER_TOTP:-}}
[ -n "$OFFICER_PW" ] && [ -n "$OFFICER_TOTP" ] && [ -n "$HANDLER_PW" ] && [ -n "$HANDLER_TOTP" ] ||
  fail "no demo logins: run npm run seed:demo (it writes $LOGINS), or set OFFICER_PW, OFFICER_TOTP, HANDLER_PW and HANDLER_TOTP"
NEW_PASSWORD=${NEW_PASSWORD:-${DEMO_NEW_PASSWORD:-}}
if [ -z "$NEW_PASSWORD" ]; then
  [ -f "$LOGINS" ] || fail "set NEW_PASSWORD (12+ characters): the one-time passwords must be changed"
  NEW_PASSWORD=$(node -e 'console.log(require("crypto").randomBytes(12).toString("base64url"))')
  echo "DEMO_NEW_PASSWORD=$NEW_PASSWORD" >> "$LOGINS"
fi
OUT=$(mktemp -d "${TMPDIR:-/tmp}/kanribo-walkthrough.XXXXXX")
# json PATH: a field of the JSON answer on stdin ("" when absent); says what came instead of JSON.
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v;try{v=JSON.parse(s)}catch{console.error("walkthrough: not a JSON answer: "+s.slice(0,200));process.exit(1)}console.log(process.argv[1].split(".").reduce((o,k)=>o?.[k],v)??"")})' "$1"; }
call() { curl -sS --max-time 30 "$@" || fail "cannot reach $API (is the service running? set API to its address)"; }
post() { call -X POST "$API$1" -H "authorization: Bearer $2" -H 'content-type: application/json' -d "$3"; }
get() { call "$API$1" -H "authorization: Bearer $2"; }
totp() { npm run --silent totp -- "$1" 2>/dev/null; } # totp SECRET → the current 6-digit code
login() { # login LOGIN PASSWORD TOTP_SECRET → token (second factor; changes a one-time password first)
  local body token
  body=$(call -X POST "$API/auth/login" -H 'content-type: application/json' \
    -d "{\"loginId\":\"$1\",\"password\":\"$2\"}")
  if [ -z "$(echo "$body" | json expiresAt)" ] && [ "$(echo "$body" | json mfaRequired)" != "true" ]; then
    body=$(call -X POST "$API/auth/login" -H 'content-type: application/json' \
      -d "{\"loginId\":\"$1\",\"password\":\"$NEW_PASSWORD\"}")
  fi
  if [ "$(echo "$body" | json mfaRequired)" = "true" ]; then
    body=$(post /auth/mfa/verify "$(echo "$body" | json mfaToken)" "{\"code\":\"$(totp "$3")\"}")
  fi
  token=$(echo "$body" | json token)
  [ -n "$token" ] || fail "$1 could not log in: $(echo "$body" | json message)"
  if [ "$(echo "$body" | json user.mustChangePassword)" = "true" ]; then
    post /auth/password "$token" "{\"currentPassword\":\"$2\",\"newPassword\":\"$NEW_PASSWORD\"}" >/dev/null
  fi
  echo "$token"
}

OFFICER=$(login demo.officer "$OFFICER_PW" "$OFFICER_TOTP")
HANDLER=$(login demo.handler "$HANDLER_PW" "$HANDLER_TOTP")
CONTRACT=$(get /contracts "$OFFICER" | json items.0.id)
echo "contract $CONTRACT"

# 1. The ward registers an encrypted DVD-R under the take-out request its section head
#    (demo.chief) approved, and its password notice: only after the approval, by the
#    officer who applied.
TAKEOUT=$(get "/contracts/$CONTRACT/takeout-requests?status=approved" "$OFFICER" | json items.0.id)
DVD=$(post "/contracts/$CONTRACT/media" "$OFFICER" "{\"kind\":\"dvd_r\",\"label\":\"住民-001\",
  \"description\":\"住民税課税資料\",\"recordCount\":12000,\"encrypted\":true,\"takeoutRequestId\":\"$TAKEOUT\"}" | json id)
NOTICE=$(post "/contracts/$CONTRACT/media" "$OFFICER" "{\"kind\":\"password_notice\",\"label\":\"PW-001\",
  \"description\":\"住民-001 のパスワード\",\"recordCount\":0,\"encrypted\":false,\"unlocksMediumId\":\"住民-001\"}" | json id)

# 2. The DVD-R goes out by hand in locked bag BAG-07, named by its label...
HANDOVER=$(post "/contracts/$CONTRACT/handovers" "$OFFICER" "{\"items\":[\"住民-001\"],\"toUserId\":\"demo.handler\",
  \"method\":\"hand\",\"bagId\":\"BAG-07\",\"sealNumber\":\"S-0001\",\"purpose\":\"provide\"}" | json id)
# ...and the contractor's handler signs for it, seal intact.
post "/contracts/$CONTRACT/handovers/$HANDOVER/receive" "$HANDLER" '{"sealIntact":true}'; echo

# 3. Sending the password notice now is refused: not the same occasion. The answer says
#    when it may go (details.earliestAt, and 送付可能 in the message).
post "/contracts/$CONTRACT/handovers" "$OFFICER" "{\"items\":[\"PW-001\"],\"toUserId\":\"demo.handler\",
  \"method\":\"hand\",\"bagId\":\"BAG-08\",\"purpose\":\"provide\"}"; echo

# 4. Once the hour has passed, in another bag, it goes:
echo "after that time: curl -X POST $API/contracts/$CONTRACT/handovers -H 'authorization: Bearer <officer token>' \\"
echo "  -H 'content-type: application/json' -d '{\"items\":[\"PW-001\"],\"toUserId\":\"demo.handler\",\"method\":\"hand\",\"bagId\":\"BAG-08\",\"purpose\":\"provide\"}'"

# 5. Who holds what, by name; the chain's proof; the 管理簿 as CSV and as an Excel workbook.
get "/contracts/$CONTRACT/media" "$OFFICER" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const m of JSON.parse(s).items){const h=m.custody.holder;console.log(m.label, m.custody.state, (h.displayName?h.displayName+"（"+h.organizationName+"）":h.organizationName))}})'
get "/contracts/$CONTRACT/ledger/verify" "$OFFICER"; echo
get "/contracts/$CONTRACT/ledger/export.csv" "$OFFICER" > "$OUT/kanribo.csv" && echo "wrote $OUT/kanribo.csv ($(wc -l < "$OUT/kanribo.csv") lines)"
get "/contracts/$CONTRACT/ledger/export.xlsx" "$OFFICER" > "$OUT/kanribo.xlsx" && echo "wrote $OUT/kanribo.xlsx"
