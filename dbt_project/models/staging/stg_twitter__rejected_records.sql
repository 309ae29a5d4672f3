-- Records of landing files that could not be read, with the reason: shown, never analysed.

with

rejected as (

    select * from {{ source('raw', 'rejected_records') }}

),

renamed as (

    select
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_line as {{ dbt.type_bigint() }}) as source_line,
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast(detail as {{ dbt.type_string() }}) as detail,
        cast(raw_text as {{ dbt.type_string() }}) as raw_text
    from rejected

)

select * from renamed
