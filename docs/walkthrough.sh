#!/usr/bin/env bash
# A handover walk-through against a running kanribo with the demo data
# (npm run seed:demo && npm start). Give it the demo officer's and handler's
# passwords, as printed by seed:demo (one-time: this script changes them to
# NEW_PASSWORD on first use) or as you changed them, and their TOTP secrets
# (the second factor; the codes come from `npm run totp`):
#   OFFICER_PW=… OFFICER_TOTP=… HANDLER_PW=… HANDLER_TOTP=… NEW_PASSWORD=… bash docs/walkthrough.sh
set -euo pipefail
API=${API:-http://localhost:3000/api}
NEW_PASSWORD=${NEW_PASSWORD:?set NEW_PASSWORD, at least 12 characters}
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(process.argv[1].split(".").reduce((o,k)=>o?.[k],v)??"")})' "$1"; }
post() { curl -sS -X POST "$API$1" -H "authorization: Bearer $2" -H 'content-type: application/json' -d "$3"; }
get() { curl -sS "$API$1" -H "authorization: Bearer $2"; }
totp() { npm run --silent totp -- "$1" 2>/dev/null; } # totp SECRET → the current 6-digit code
login() { # login LOGIN PASSWORD TOTP_SECRET → token (second factor; changes a one-time password first)
  local body token
  body=$(curl -sS -X POST "$API/auth/login" -H 'content-type: application/json' \
    -d "{\"loginId\":\"$1\",\"password\":\"$2\"}")
  if [ -z "$(echo "$body" | json expiresAt)" ]; then
    body=$(curl -sS -X POST "$API/auth/login" -H 'content-type: application/json' \
      -d "{\"loginId\":\"$1\",\"password\":\"$NEW_PASSWORD\"}")
  fi
  if [ "$(echo "$body" | json mfaRequired)" = "true" ]; then
    body=$(post /auth/mfa/verify "$(echo "$body" | json mfaToken)" "{\"code\":\"$(totp "$3")\"}")
  fi
  token=$(echo "$body" | json token)
  if [ "$(echo "$body" | json user.mustChangePassword)" = "true" ]; then
    post /auth/password "$token" "{\"currentPassword\":\"$2\",\"newPassword\":\"$NEW_PASSWORD\"}" >/dev/null
  fi
  echo "$token"
}

OFFICER=$(login demo.officer "${OFFICER_PW:?}" "${OFFICER_TOTP:?}")
HANDLER=$(login demo.handler "${HANDLER_PW:?}" "${HANDLER_TOTP:?}")
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

# 5. Custody, the chain's proof, and the 管理簿 as CSV and as an Excel workbook.
get "/contracts/$CONTRACT/media" "$OFFICER" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const m of JSON.parse(s).items)console.log(m.label, m.custody.state, m.custody.holderOrganizationId)})'
get "/contracts/$CONTRACT/ledger/verify" "$OFFICER"; echo
get "/contracts/$CONTRACT/ledger/export.csv" "$OFFICER" > kanribo.csv && echo "wrote kanribo.csv ($(wc -l < kanribo.csv) lines)"
get "/contracts/$CONTRACT/ledger/export.xlsx" "$OFFICER" > kanribo.xlsx && echo "wrote kanribo.xlsx"
