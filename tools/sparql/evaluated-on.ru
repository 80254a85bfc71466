# The run data cph-kg's shapes read, for SHACL engines other than cph-kg's own (README, "Using
# the shapes elsewhere"), as `cph-kg validate` adds it:
#  - the day each convention is judged on: its date of conclusion, or today when it has no valid
#    xsd:date. For `--as-of 2024-01-01`, replace ?day's BIND by
#    BIND ("2024-01-01"^^xsd:date AS ?day) in both updates;
#  - the reading of R. 349-2 applied (cph:readingApplied): the default one (cph:defaultReading
#    true, "required"). For `--reading illustrative`, replace the pattern by
#    ?reading skos:notation "illustrative" ;
#  - the day each centre provisoire d'hébergement is judged on: today (or the --as-of day).
# Which text governs the day (R. 349-2, L. 349-2, none: not judged) the shapes decide.
PREFIX cph: <https://w3id.org/cph-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

INSERT { ?convention cph:evaluatedOn ?day ; cph:readingApplied ?reading }
WHERE {
    ?convention a cph:ConventionDeCooperation .
    FILTER isIRI(?convention)
    ?reading a cph:Reading ; cph:defaultReading true .
    OPTIONAL { ?convention cph:dateOfConclusion ?signed }
    BIND (COALESCE(IF(DATATYPE(?signed) = xsd:date, xsd:date(STR(?signed)), ?none),
                   xsd:date(SUBSTR(STR(NOW()), 1, 10))) AS ?day)
} ;

INSERT { ?centre cph:evaluatedOn ?day }
WHERE {
    ?centre a cph:CentreProvisoireHebergement .
    FILTER isIRI(?centre)
    BIND (xsd:date(SUBSTR(STR(NOW()), 1, 10)) AS ?day)
}
