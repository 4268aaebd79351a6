# bash completion for concur-advise.
# Installed to /usr/share/bash-completion/completions/concur-advise.

_concur_advise() {
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  local options="-p -j -o --summaries= --shard= --from-db --recheck-into= --format= --fail-on=
    --baseline= --write-baseline= --explain= --summary --checks= --config=
    --header-filter= --extra-arg= --extra-arg-before= --progress= --fix --quiet
    --incremental-stats --kept-memory= --doc-url= --profile= --profile-findings
    --profile-overrides --help --version"

  # After `--`, the words are compiler flags.
  local i
  for ((i = 1; i < COMP_CWORD; i++)); do
    [[ ${COMP_WORDS[i]} == -- ]] && return 0
  done

  # bash splits --opt=value at '=' (COMP_WORDBREAKS): prev is '=' then.
  local option=$prev
  if [[ $prev == = && COMP_CWORD -ge 2 ]]; then
    option=${COMP_WORDS[COMP_CWORD-2]}
  elif [[ $cur == --*=* ]]; then
    option=${cur%%=*}
    cur=${cur#*=}
  fi

  case $option in
    --format) COMPREPLY=($(compgen -W "text json sarif html markdown" -- "$cur")); return 0 ;;
    --fail-on) COMPREPLY=($(compgen -W "none note warning error" -- "$cur")); return 0 ;;
    --progress) COMPREPLY=($(compgen -W "auto bar lines none" -- "$cur")); return 0 ;;
    -p) COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;
    -o | --summaries | --recheck-into | --baseline | --write-baseline | --profile)
      COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
    -j | --shard | --explain | --checks | --config | --header-filter | --extra-arg | \
      --extra-arg-before | --kept-memory | --doc-url)
      return 0 ;;
  esac

  if [[ COMP_CWORD -eq 1 && merge == "$cur"* ]]; then
    COMPREPLY=(merge)
  fi
  if [[ ${COMP_WORDS[1]} == merge ]]; then
    COMPREPLY+=($(compgen -f -X '!*.db' -- "$cur") $(compgen -d -- "$cur"))
    return 0
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
    [[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
    return 0
  fi
  COMPREPLY+=($(compgen -f -X '!*.@(c|cc|cpp|cxx|c++|C|h|hh|hpp|hxx)' -- "$cur") \
    $(compgen -d -- "$cur"))
}
complete -F _concur_advise concur-advise
