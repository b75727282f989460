"""One module per language with its safety patterns; each exports `RULES` (see
`safety.rules.language.LanguageRules`). Every module here is loaded."""
