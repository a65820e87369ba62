"""The graph model in standard scholarly vocabularies: the RDF mapping, as data.

Every label, property and relationship type of ``graph.model`` has one entry
here (a test checks that none is missing). The exporter, the RDF loader (round
trip), the SHACL shapes and ``docs/rdf.md`` all read this table.

Rules that make the mapping lossless:

* every property is a literal with a fixed predicate and datatype (exact round
  trip); identifiers and URLs also get *derived* resolvable IRIs (``schema:sameAs``,
  ``foaf:page``, ...) which the loader ignores because they follow from the literals;
* ``AUTHORED`` is ``dcterms:creator`` plus the ordered ``bibo:authorList``;
* a relationship whose properties are not the defaults (its ``sources`` differ
  from its start node's, a ``PRESENTED_AT`` type differs from the paper's, a
  position differs from the author list) is also described by an
  ``rdf:Statement`` with those properties;
* ``sources`` become ``prov:wasDerivedFrom`` links to ``prov:Entity`` resources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from graph.model import COMMUNITY_LABELS, DERIVED_PROPS, NODE_TYPES, REL_TYPES

# -- vocabularies -----------------------------------------------------------------------
SCHEMA = "http://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
BIBO = "http://purl.org/ontology/bibo/"
FABIO = "http://purl.org/spar/fabio/"
CITO = "http://purl.org/spar/cito/"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"
CG = "https://w3id.org/citegraph/ontology#"  # citegraph's own terms, where no standard one fits
DEFAULT_BASE_IRI = "https://w3id.org/citegraph/id/"

PREFIXES = {
    "schema": SCHEMA, "dcterms": DCTERMS, "foaf": FOAF, "bibo": BIBO, "fabio": FABIO, "cito": CITO,
    "prov": PROV, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "cg": CG,
}

RDF_TYPE = RDF + "type"
DATATYPES = {"string": XSD + "string", "integer": XSD + "integer", "float": XSD + "double",
             "boolean": XSD + "boolean", "year": XSD + "gYear"}


# what the Hub says of a model, dataset or Space (`citegraph enrich hub`)
HUB_PROPS = {
    "downloads": (CG + "downloads", "integer"),
    "likes": (CG + "likes", "integer"),
    "license": (SCHEMA + "license", "string"),
    "pipeline_tag": (CG + "pipelineTag", "string"),
    "library_name": (CG + "libraryName", "string"),
    "sdk": (CG + "spaceSdk", "string"),
    "hub_read_at": (CG + "hubReadAt", "string"),
}


def _hub(*names: str) -> dict:
    return {n: HUB_PROPS[n] for n in names}


@dataclass(frozen=True)
class NodeMapping:
    label: str
    segment: str  # IRI path segment: {base}{segment}/{key}
    classes: tuple[str, ...]  # the first identifies the label on import
    props: dict  # model property -> (predicate, datatype key in DATATYPES)


@dataclass(frozen=True)
class RelMapping:
    type: str
    predicate: str
    inverse: bool = False  # True: triple runs from the end node to the start node


ID = (DCTERMS + "identifier", "string")

NODE_MAPPINGS: dict[str, NodeMapping] = {m.label: m for m in (
    NodeMapping("Paper", "paper", (SCHEMA + "ScholarlyArticle", FABIO + "ScholarlyWork"), {
        "id": ID,
        "title": (DCTERMS + "title", "string"),
        "abstract": (DCTERMS + "abstract", "string"),
        "type": (CG + "presentationType", "string"),
        "year": (FABIO + "hasPublicationYear", "year"),
        "arxiv_id": (CG + "arxivId", "string"),
        "doi": (BIBO + "doi", "string"),
        "openreview_url": (CG + "openReviewUrl", "string"),
        "hf_paper_url": (CG + "huggingFacePaperUrl", "string"),
        "bibtex_key": (CG + "bibtexKey", "string"),
        "bibtex": (CG + "bibtex", "string"),
        "upvotes": (CG + "upvotes", "integer"),
        "num_comments": (CG + "comments", "integer"),
        "openalex_id": (CG + "openAlexId", "string"),
        "s2_id": (CG + "semanticScholarId", "string"),
        "corpus_id": (CG + "semanticScholarCorpusId", "string"),
        "dblp_key": (CG + "dblpKey", "string"),
        "mag_id": (CG + "magId", "string"),
        "pubmed_id": (FABIO + "hasPubMedId", "string"),
        "pmc_id": (FABIO + "hasPubMedCentralId", "string"),
        "acl_id": (CG + "aclAnthologyId", "string"),
        "cite_key": (CG + "citationKey", "string"),
        "title_key": (CG + "titleKey", "string"),
        "et_al": (CG + "authorListIncomplete", "boolean"),
        "row_hashes": (CG + "rowHash", "string"),  # one literal per list item
        "merged_from": (CG + "mergedFrom", "string"),  # one literal per list item
        # `stub` is the class cg:Stub, `sources` is prov:wasDerivedFrom (see below)
    }),
    NodeMapping("Author", "author", (SCHEMA + "Person", FOAF + "Person"), {
        "key": (CG + "nameKey", "string"),
        "name": (FOAF + "name", "string"),
        "orcid": (CG + "orcid", "string"),
        "openalex_id": (CG + "openAlexId", "string"),
        "component": (CG + "coauthorComponent", "integer"),
        "community": (CG + "coauthorCommunity", "integer"),
        "pagerank": (CG + "pagerank", "float"),
        "degree": (CG + "degreeCentrality", "float"),
        "betweenness": (CG + "betweennessCentrality", "float"),
    }),
    NodeMapping("Venue", "venue", (CG + "Venue", SCHEMA + "Event"), {
        "id": ID,
        "name": (SCHEMA + "name", "string"),
        "short_name": (SCHEMA + "alternateName", "string"),
    }),
    NodeMapping("Conference", "conference", (BIBO + "Conference", SCHEMA + "Event"), {
        "id": ID,
        "name": (SCHEMA + "name", "string"),
        "year": (DCTERMS + "date", "year"),
    }),
    NodeMapping("Model", "model", (CG + "HubModel", SCHEMA + "CreativeWork"),
                {"id": ID, **_hub("downloads", "likes", "license", "pipeline_tag", "library_name", "hub_read_at")}),
    NodeMapping("Dataset", "dataset", (CG + "HubDataset", SCHEMA + "Dataset"),
                {"id": ID, **_hub("downloads", "likes", "license", "hub_read_at")}),
    NodeMapping("Space", "space", (CG + "HubSpace", SCHEMA + "WebApplication"),
                {"id": ID, **_hub("sdk", "likes", "license", "hub_read_at")}),
    NodeMapping("HubAccount", "hub-account", (FOAF + "OnlineAccount",), {
        "name": (FOAF + "accountName", "string"),
    }),
    NodeMapping("Repository", "repository", (SCHEMA + "SoftwareSourceCode",), {"url": ID}),
    NodeMapping("Institution", "institution", (SCHEMA + "Organization", FOAF + "Organization"), {
        "id": ID,
        "name": (SCHEMA + "name", "string"),
        "ror": (CG + "rorId", "string"),
        "openalex_id": (CG + "openAlexId", "string"),
        "country_code": (SCHEMA + "addressCountry", "string"),
        "type": (CG + "institutionType", "string"),
    }),
)}

# labels some nodes carry in addition to their own, as extra classes
EXTRA_LABEL_CLASSES = {"Workshop": BIBO + "Workshop",
                       **{label: CG + label for label in COMMUNITY_LABELS}}
STUB_CLASS = CG + "Stub"
SOURCE_PREDICATE = PROV + "wasDerivedFrom"
SOURCE_CLASS = PROV + "Entity"
AUTHOR_LIST = BIBO + "authorList"

REL_MAPPINGS: dict[str, RelMapping] = {m.type: m for m in (
    RelMapping("AUTHORED", DCTERMS + "creator", inverse=True),
    RelMapping("PRESENTED_AT", BIBO + "presentedAt"),
    RelMapping("PART_OF", SCHEMA + "superEvent"),
    RelMapping("HAS_ARTIFACT", CG + "hasArtifact"),
    RelMapping("OWNS", CG + "owns"),
    RelMapping("DERIVED_FROM", CG + "derivedFrom"),
    RelMapping("TRAINED_ON", CG + "trainedOn"),
    RelMapping("HAS_CODE", CG + "hasCode"),
    RelMapping("CITES", CITO + "cites"),
    RelMapping("AFFILIATED_WITH", SCHEMA + "sourceOrganization"),
)}

# properties of relationships (on rdf:Statement resources, when not the defaults)
REL_PROP_PREDICATES = {
    "position": (CG + "authorPosition", "integer"),
    "type": (CG + "presentationType", "string"),
    "institutions": (CG + "affiliationId", "string"),  # one literal per list item
    "contexts": (CG + "citationContext", "string"),
    "intents": (CG + "citationIntent", "string"),
    "is_influential": (CG + "isInfluential", "boolean"),
    "relation": (CG + "derivationRelation", "string"),
}
REL_LIST_PROPS = {"institutions", "contexts", "intents"}
STATEMENT_CLASS = RDF + "Statement"

# Our own terms, described in the ontology file (label, comment, superproperty or superclass).
CG_TERMS = {
    "Venue": ("class", "venue", "Where papers are presented: a workshop, a track, a journal.", SCHEMA + "Event"),
    "HubModel": ("class", "Hugging Face Hub model", "A model repository on the Hugging Face Hub.", SCHEMA + "CreativeWork"),
    "HubDataset": ("class", "Hugging Face Hub dataset", "A dataset repository on the Hugging Face Hub.", SCHEMA + "Dataset"),
    "HubSpace": ("class", "Hugging Face Space", "A demo application on the Hugging Face Hub.", SCHEMA + "WebApplication"),
    "Stub": ("class", "stub", "A work known only by an identifier (e.g. cited, not loaded itself).", None),
    "hasArtifact": ("property", "has artifact", "A Hub model, dataset or Space that links the paper.", DCTERMS + "relation"),
    "hasCode": ("property", "has code", "A source-code repository of the paper.", DCTERMS + "relation"),
    "owns": ("property", "owns", "The Hub account owns the repository.", None),
    "derivedFrom": ("property", "derived from", "The model was made from this base model (Hub `base_model`).",
                    PROV + "wasDerivedFrom"),
    "derivationRelation": ("property", "derivation", "How a model was made from its base: finetune, adapter, "
                                                     "quantized, merge.", None),
    "trainedOn": ("property", "trained on", "A dataset the model was trained on (its Hub card).", SCHEMA + "isBasedOn"),
    "downloads": ("property", "downloads", "Downloads in the last 30 days, when read (cg:hubReadAt).", None),
    "likes": ("property", "likes", "Likes on the Hub, when read (cg:hubReadAt).", None),
    "pipelineTag": ("property", "pipeline tag", "The task of a Hub model, e.g. text-generation.", None),
    "libraryName": ("property", "library", "The library of a Hub model, e.g. transformers.", None),
    "spaceSdk": ("property", "Space SDK", "The SDK of a Hugging Face Space, e.g. gradio.", None),
    "hubReadAt": ("property", "read from the Hub on", "Date the Hub's numbers were read (YYYY-MM-DD).", None),
    "authorPosition": ("property", "author position", "1-based place of an author in a paper's author list.", None),
    "presentationType": ("property", "presentation type", "poster, oral, spotlight, ...", None),
    "nameKey": ("property", "name key", "Normalised name: the identity of a person in citegraph.", None),
    "mergedFrom": ("property", "merged from", "A paper found to be this one, with what joined them.", PROV + "wasDerivedFrom"),
    "citationKey": ("property", "citation key", "Journal/volume/first page/year of a reference without a title.", None),
    "authorListIncomplete": ("property", "author list incomplete", "The source's author list ended with 'and others'.", None),
    "dblpKey": ("property", "dblp key", "Record key in the dblp computer science bibliography.", DCTERMS + "identifier"),
    "magId": ("property", "MAG id", "Microsoft Academic Graph id.", DCTERMS + "identifier"),
    "aclAnthologyId": ("property", "ACL Anthology id", "Id of the paper in the ACL Anthology.", DCTERMS + "identifier"),
    "rorId": ("property", "ROR id", "Research Organization Registry id of an institution.", DCTERMS + "identifier"),
    "institutionType": ("property", "institution type", "education, company, facility, ...", None),
    "affiliationId": ("property", "affiliation", "Id of an institution an author gave on a paper.", None),
    "citationContext": ("property", "citation context", "A sentence of the citing paper around the citation.", None),
    "citationIntent": ("property", "citation intent", "Why the paper cites: background, methodology, result.", None),
    "isInfluential": ("property", "influential citation", "Semantic Scholar's highly influential citation flag.", None),
}


def iri(base: str, label: str, key) -> str:
    """Stable IRI of a node: base + segment + percent-encoded key (any string is safe)."""
    return f"{base}{NODE_MAPPINGS[label].segment}/{quote(str(key), safe='')}"


def source_iri(base: str, name: str) -> str:
    return f"{base}source/{quote(name, safe='')}"


def derived_links(label: str, props: dict) -> list[tuple[str, str]]:
    """Resolvable IRIs that follow from identifier literals (not read back on import)."""
    q = lambda s: quote(str(s), safe="/:.-_~")
    out = []
    if label == "Paper":
        if props.get("doi"):
            out.append((SCHEMA + "sameAs", f"https://doi.org/{q(props['doi'])}"))
        if props.get("arxiv_id"):
            out.append((SCHEMA + "sameAs", f"https://arxiv.org/abs/{q(props['arxiv_id'])}"))
        if props.get("openalex_id"):
            out.append((SCHEMA + "sameAs", f"https://openalex.org/{q(props['openalex_id'])}"))
        if props.get("s2_id"):
            out.append((SCHEMA + "sameAs", f"https://www.semanticscholar.org/paper/{q(props['s2_id'])}"))
        for key in ("openreview_url", "hf_paper_url"):
            if props.get(key) and _url_ok(props[key]):
                out.append((FOAF + "page", props[key]))
    elif label == "Author" and props.get("orcid"):
        out.append((SCHEMA + "sameAs", f"https://orcid.org/{q(props['orcid'])}"))
    elif label in ("Model", "Dataset", "Space"):
        prefix = {"Model": "", "Dataset": "datasets/", "Space": "spaces/"}[label]
        out.append((SCHEMA + "url", f"https://huggingface.co/{prefix}{q(props['id'])}"))
    elif label == "HubAccount":
        out.append((SCHEMA + "url", f"https://huggingface.co/{q(props['name'])}"))
    elif label == "Institution" and props.get("ror"):
        out.append((SCHEMA + "sameAs", f"https://ror.org/{q(props['ror'])}"))
    elif label == "Repository" and _url_ok(props.get("url", "")):
        out.append((SCHEMA + "codeRepository", props["url"]))
    return out


def _url_ok(url: str) -> bool:
    """Only well-formed http(s) URLs become IRIs (a hostile string stays a literal)."""
    return bool(re.fullmatch(r"https?://[^\s<>\"{}|\\^`\x00-\x20\x7f]+", url or ""))


def check_complete() -> list[str]:
    """What the model has that the mapping lacks (empty when complete)."""
    missing = []
    for node in NODE_TYPES:
        mapping = NODE_MAPPINGS.get(node.label)
        if not mapping:
            missing.append(node.label)
            continue
        for prop in node.props:
            if (prop.name not in mapping.props and prop.name not in ("sources", "stub")
                    and (node.label, prop.name) not in DERIVED_PROPS):  # counts: recomputed on load
                missing.append(f"{node.label}.{prop.name}")
        for extra in node.extra_labels:
            if extra not in EXTRA_LABEL_CLASSES:
                missing.append(extra)
    missing += [r.type for r in REL_TYPES if r.type not in REL_MAPPINGS]
    return missing
