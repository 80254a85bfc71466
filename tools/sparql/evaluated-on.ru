# The day each convention is judged on, as data, for SHACL engines other than cph-kg's own
# (README, "Using the shapes elsewhere"): its date of conclusion, or today when it has no valid
# xsd:date, as `cph-kg validate` does. For `--as-of 2024-01-01`, bind ?day to
# "2024-01-01"^^xsd:date instead. cph-kg also leaves out, as "not judged", a convention
# concluded before R349-2 was in force (4 March 2016); this update does not.
PREFIX cph: <https://w3id.org/cph-kg/ontology#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

INSERT { ?convention cph:evaluatedOn ?day }
WHERE {
    ?convention a cph:ConventionDeCooperation .
    OPTIONAL { ?convention cph:dateOfConclusion ?signed }
    BIND (COALESCE(xsd:date(STR(?signed)), xsd:date(SUBSTR(STR(NOW()), 1, 10))) AS ?day)
}
