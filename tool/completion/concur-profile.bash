# bash completion for concur-profile.
# Installed to /usr/share/bash-completion/completions/concur-profile.

_concur_profile() {
  local cur prev i
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  # After `--`, the words are the command to profile and its arguments.
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ ${COMP_WORDS[i]} == -- ]]; then
      if ((i + 1 == COMP_CWORD)); then
        COMPREPLY=($(compgen -c -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi
      return 0
    fi
  done
  case $prev in
    -o | --output) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
    --frequency | --wait-frequency) return 0 ;;
  esac
  COMPREPLY=($(compgen -W "-o --output --frequency --wait-frequency --switches --help --" -- "$cur"))
}
complete -F _concur_profile concur-profile
