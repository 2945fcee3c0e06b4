{#-
  The encounter every rule groups by. Professional: person + provider + service date, the
  provider column set by var encounter_provider_column (billing_npi by default). Two
  providers on one day are two encounters. Institutional: the claim, or claim + service
  date when var institutional_encounter_grain is 'claim_date' (CMS counts one initial
  service per stay, so 'claim' is the default).
-#}
{% macro encounter_key(relation_alias) -%}
    {%- set provider_column = var('encounter_provider_column') -%}
    {%- if provider_column not in ['billing_npi', 'rendering_npi', 'facility_npi'] -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var encounter_provider_column '" ~ provider_column
            ~ "': use billing_npi, rendering_npi or facility_npi.") }}
    {%- endif -%}
    {%- set grain = var('institutional_encounter_grain') -%}
    {%- if grain not in ['claim', 'claim_date'] -%}
        {{ exceptions.raise_compiler_error(
            "Invalid var institutional_encounter_grain '" ~ grain ~ "': use claim or claim_date.") }}
    {%- endif -%}
    case
        when {{ relation_alias }}.claim_type = 'institutional'
            then {{ text_key([
                "'institutional'",
                relation_alias ~ '.claim_key'
            ] + ([relation_alias ~ '.service_date'] if grain == 'claim_date' else [])) }}
        else {{ text_key([
            "'professional'",
            relation_alias ~ '.person_id',
            relation_alias ~ '.' ~ provider_column,
            relation_alias ~ '.service_date'
        ]) }}
    end
{%- endmacro %}
