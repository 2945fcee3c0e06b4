{#- Fails for each non-NULL value that does not match the whole regular expression. -#}
{% test matches_pattern(model, column_name, pattern) %}

select {{ column_name }} as unmatched_value
from {{ model }}
where {{ column_name }} is not null
    and not {{ regex_matches(column_name, pattern) }}

{% endtest %}
