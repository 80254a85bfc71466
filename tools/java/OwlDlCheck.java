// cph-kg's OWL 2 DL check: the OWL API's profile checker on the ontology, and an export of the
// merged axioms for a DL reasoner.
//
// Run with Java's single-file source launcher (no build step), the OWL API jars of Debian's
// libowlapi-java on the class path (cph_kg.java builds it):
//
//   java -cp CLASSPATH tools/java/OwlDlCheck.java [--export OUT.owl|OUT.ofn] FILE.ttl...
//
// Every file is parsed by the OWL API and their axioms are merged into one ontology, named after
// the first file's ontology IRI: the first file is the one checked, the others (the vocabularies
// it reuses) say what their terms are. Output, one line each, tab-separated:
//   violation <TAB> kind <TAB> first|other (whose axiom it is) <TAB> description
//   axioms <TAB> count
//   profile <TAB> OWL 2 DL <TAB> yes|no
// --export writes the merged ontology as RDF/XML (.owl), which every OWL API version reads (HermiT
// bundles OWL API 3), or in OWL functional syntax (.ofn).
// Exit code 0 when the check ran (whatever its verdict), 2 when a file could not be read.

import java.io.File;
import java.io.FileOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.FunctionalSyntaxDocumentFormat;
import org.semanticweb.owlapi.formats.RDFXMLDocumentFormat;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLAxiom;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlDlCheck {
    public static void main(String[] args) throws Exception {
        String export = null;
        List<File> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--export")) {
                export = args[++i];
            } else {
                files.add(new File(args[i]));
            }
        }
        if (files.isEmpty()) {
            System.err.println("usage: OwlDlCheck [--export OUT.owl|OUT.ofn] FILE.ttl...");
            System.exit(2);
        }
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        // Nothing is fetched: every file is given on the command line, and an owl:imports (ELI
        // imports SKOS) points at a local path that does not exist and is skipped silently.
        File nowhere = new File(System.getProperty("java.io.tmpdir"), "cph-kg-no-imports.ttl");
        manager.getIRIMappers().clear();
        manager.getIRIMappers().add(iri -> IRI.create(nowhere));
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT);
        List<OWLAxiom> axioms = new ArrayList<>();
        Set<OWLAxiom> first = new HashSet<>();
        IRI name = null;
        for (File file : files) {
            OWLOntology part;
            try {
                part = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(file), config);
            } catch (Exception e) {
                System.err.println(file + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
                System.exit(2);
                return;
            }
            if (name == null && part.getOntologyID().getOntologyIRI().isPresent()) {
                name = part.getOntologyID().getOntologyIRI().get();
            }
            part.axioms().forEach(axioms::add);
            if (first.isEmpty()) {
                part.axioms().forEach(first::add);
            }
            manager.removeOntology(part);
        }
        OWLOntology merged = name == null
            ? manager.createOntology()
            : manager.createOntology(IRI.create(name.toString() + "#merged-for-checking"));
        manager.addAxioms(merged, axioms.stream());

        OWLProfileReport report = new OWL2DLProfile().checkOntology(merged);
        for (OWLProfileViolation violation : report.getViolations()) {
            OWLAxiom axiom = violation.getAxiom();
            String whose = axiom != null && first.contains(axiom) ? "first" : "other";
            String description = violation.toString().replaceAll("\\s+", " ");
            System.out.println("violation\t" + violation.getClass().getSimpleName() + "\t"
                + whose + "\t" + description);
        }
        System.out.println("axioms\t" + merged.getAxiomCount());
        System.out.println("profile\tOWL 2 DL\t" + (report.isInProfile() ? "yes" : "no"));
        if (export != null) {
            try (FileOutputStream out = new FileOutputStream(export)) {
                manager.saveOntology(merged, export.endsWith(".ofn")
                    ? new FunctionalSyntaxDocumentFormat() : new RDFXMLDocumentFormat(), out);
            }
        }
    }
}
