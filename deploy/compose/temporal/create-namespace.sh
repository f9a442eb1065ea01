#!/bin/sh
# Once the server answers: the namespace gateshift uses and its search attributes, each created only when
# missing. Runs in temporalio/admin-tools. The list is src/api/names.ts's SEARCH_ATTRIBUTE_TYPES (a unit
# test keeps the two the same).
set -eu
address=${TEMPORAL_ADDRESS:-temporal:7233}
namespace=${TEMPORAL_NAMESPACE:-default}

attempt=0
until temporal operator cluster health --address "$address" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "the Temporal server at $address is not healthy after 60 tries"
    exit 1
  fi
  sleep 2
done

if ! temporal operator namespace describe --address "$address" -n "$namespace" >/dev/null 2>&1; then
  temporal operator namespace create --address "$address" -n "$namespace" --retention 30d
fi

for attribute in GateshiftState=Keyword GateshiftPhase=Int GateshiftResources=KeywordList GateshiftKind=Keyword; do
  name=${attribute%%=*}
  type=${attribute#*=}
  if ! temporal operator search-attribute list --address "$address" -n "$namespace" | grep -q "^ *$name "; then
    temporal operator search-attribute create --address "$address" -n "$namespace" --name "$name" --type "$type"
  fi
done
echo "namespace $namespace is ready for gateshift"
