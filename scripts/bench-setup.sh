# Sourced by the reference benchmarks (bench-reference.sh, bench-parallel.sh): installs the reference
# (gepa + litellm) into a cached virtualenv outside the repository and builds the benchmarks module.
# Sets: venv (the reference's virtualenv), java_cp (the benchmarks' runtime classpath).
GEPA_VERSION=0.1.4
LITELLM_VERSION=1.106.2
cache=${PROMPTOPT_CACHE:-$HOME/.cache/promptopt}
venv="$cache/gepa-venv"
stamp="$venv/.installed-gepa-$GEPA_VERSION-litellm-$LITELLM_VERSION"
if [[ ! -f "$stamp" ]]; then
  echo "installing gepa==$GEPA_VERSION litellm==$LITELLM_VERSION into $venv" >&2
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "gepa==$GEPA_VERSION" "litellm==$LITELLM_VERSION" >&2
  touch "$stamp"
fi

./mvnw -q -B -ntp -pl benchmarks -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/run-classpath.txt -Dmdep.includeScope=runtime >&2
java_cp="benchmarks/target/classes:$(cat benchmarks/target/run-classpath.txt)"
