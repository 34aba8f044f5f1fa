#!/usr/bin/python3
"""Prints name lists from Debian's python3-fake-factory (Faker, MIT) for
korpus-train-ner --name_lists: one "<list>\t<name>" line per name, sorted.

Lists: first (given names of the Latin-script locales), last (family
names), city and state (de_DE/de_AT/de_CH), company_suffix (de_DE "GmbH").
Run with Debian's interpreter: /usr/bin/python3 tools/train/ner_export_faker.py
"""
import importlib
import sys

LOCALES = ["de_DE", "de_AT", "de_CH", "en_US", "en_GB", "fr_FR", "it_IT", "es_ES", "nl_NL",
           "pl_PL", "cs_CZ", "tr_TR", "pt_PT", "sv_SE", "dk_DK", "no_NO", "fi_FI", "hu_HU",
           "hr_HR", "sl_SI", "ro_RO", "lt_LT", "lv_LV", "et_EE"]


def names(module, attributes):
    out = set()
    try:
        provider = importlib.import_module(module).Provider
    except ImportError:
        return out
    for attribute in attributes:
        value = getattr(provider, attribute, None)
        if isinstance(value, dict):  # weighted: name -> weight
            value = value.keys()
        if value:
            out.update(v for v in value if isinstance(v, str))
    return out


def main():
    rows = set()
    for locale in LOCALES:
        person = "faker.providers.person." + locale
        for name in names(person, ["first_names", "first_names_male", "first_names_female"]):
            rows.add(("first", name))
        for name in names(person, ["last_names"]):
            rows.add(("last", name))
    for locale in ["de_DE", "de_AT", "de_CH"]:
        address = "faker.providers.address." + locale
        for name in names(address, ["cities"]):
            rows.add(("city", name))
        for name in names(address, ["states"]):
            rows.add(("state", name))
    for name in names("faker.providers.company.de_DE", ["company_suffixes"]):
        rows.add(("company_suffix", name))
    for kind, name in sorted(rows):
        if name.strip():
            sys.stdout.write(f"{kind}\t{name.strip()}\n")


if __name__ == "__main__":
    main()
