"""The analyser: text in, `Analysis` out (type, sentiment, emotion, toxicity, urgency, ...).

Lexical cues, rules and small trained linear heads on sentence embeddings are combined;
every result carries the cues behind it. Heavy resources (sentence encoder, language
model, trained heads) load lazily and once per `Analyser`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import explain, pii, rules
from .classifier import Models, load_models
from .features import (
    CueHits,
    CueLexicon,
    default_cues,
    feature_names,
    lexical_vector,
    ngram_config,
    ngram_matrix,
    shape_features,
)
from .labels import ANALYSER_VERSION, EMOTIONS, SENTIMENTS, TYPES, URGENCIES
from .language import LanguageGuess, LanguageIdentifier
from .normalise import CleanText, clean, tokens
from .taxonomy import Taxonomy, default_taxonomy, keyword_score, pick_topics, similarity_score
from .toxicity import ToxicityLexicon, ToxicityResult, default_lexicon, merge_model_scores

Encoder = Callable[[list[str]], Any]
EMBED_DIM = 512
_BATCH = 128


@dataclass
class Analysis:
    """The analysis of one message (shape: docs/interfaces.md)."""

    language: str
    type: str
    type_scores: dict[str, float]
    type_confidence: float
    sentiment: float
    sentiment_label: str
    emotion: str
    emotion_scores: dict[str, float]
    toxicity: float
    toxicity_categories: list[str]
    urgency: str
    topics: list[dict[str, Any]]
    pii: list[pii.PiiSpan]
    redacted_text: str
    explanations: dict[str, str]
    analyser_version: str = ANALYSER_VERSION
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready shape shared with the rest of Nabij."""
        return {
            "language": self.language,
            "type": self.type,
            "type_scores": self.type_scores,
            "type_confidence": self.type_confidence,
            "sentiment": self.sentiment,
            "sentiment_label": self.sentiment_label,
            "emotion": self.emotion,
            "emotion_scores": self.emotion_scores,
            "toxicity": self.toxicity,
            "toxicity_categories": list(self.toxicity_categories),
            "urgency": self.urgency,
            "topics": self.topics,
            "pii": [span.to_dict() for span in self.pii],
            "redacted_text": self.redacted_text,
            "explanations": self.explanations,
            "analyser_version": self.analyser_version,
        }


@dataclass
class _Lexical:
    """Everything found in one message without the sentence encoder."""

    clean: CleanText
    words: list[str]
    hits: CueHits
    tox: ToxicityResult
    spans: list[pii.PiiSpan]
    vector: np.ndarray


def _rounded(labels: Sequence[str], values: np.ndarray) -> dict[str, float]:
    return {label: round(float(v), 3) for label, v in zip(labels, values, strict=True)}


class Analyser:
    """Analyse Dutch (and other) messages; thread-safe after loading."""

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        embedder: Any = None,
        models: Models | None = None,
        threads: int = 1,
        use_trained: bool = True,
    ) -> None:
        self.taxonomy = taxonomy or default_taxonomy()
        self._embedder = embedder
        self._models = models
        # Training builds features without the heads it is about to replace.
        self._models_loaded = models is not None or not use_trained
        self._threads = threads
        self._language = LanguageIdentifier()
        self._cues: CueLexicon = default_cues()
        self._tox: ToxicityLexicon = default_lexicon()
        self._lock = threading.Lock()
        self._ready = False

    # -- loading -----------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load every resource now (otherwise done on first use)."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            # The language model loads in parallel with the encoder (both mostly I/O and
            # decompression), which keeps start-up under the target.
            loader = threading.Thread(target=self._language.load, daemon=True)
            loader.start()
            if self._embedder is None:
                from .encoder import SentenceEncoder

                encoder = SentenceEncoder(threads=self._threads)
                encoder.load()
                self._embedder = encoder
            if not self._models_loaded:
                self._models = load_models()
                self._models_loaded = True
            self._check_models()
            self.taxonomy.prepare(self._encode)
            loader.join()
            self._ready = True

    def _check_models(self) -> None:
        if self._models is None:
            return
        expected = feature_names(self._cues)
        stored_ngrams = self._models.meta.get("ngrams")
        if self._models.lexical_names != expected or stored_ngrams not in (None, ngram_config()):
            # Artefacts from another lexicon version would silently misread the features.
            raise RuntimeError(
                "trained artefacts do not match the cue lexicon; run `nabij train` again"
            )

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBED_DIM), dtype=np.float32)
        vectors = np.asarray(self._embedder.encode(texts), dtype=np.float32)
        return vectors.reshape(len(texts), -1)

    # -- public API --------------------------------------------------------------------
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Sentence vectors (L2-normalised, 512 wide) for texts, e.g. to compare drafts."""
        self.warm_up()
        return self._encode([str(t) for t in texts])

    def analyse(self, text: object) -> Analysis:
        """Analyse one message; never raises on bad input."""
        return self.analyse_batch([text])[0]

    def analyse_batch(self, texts: Sequence[object]) -> list[Analysis]:
        """Analyse many messages, embedding them in batches for speed."""
        self.warm_up()
        chunks = [texts[i : i + _BATCH] for i in range(0, len(texts), _BATCH)]
        if len(chunks) <= 1:
            return [a for chunk in chunks for a in self._analyse_chunk(chunk)]
        # Pipeline: the encoder (numpy, releases the GIL) embeds chunk i+1 on a worker
        # thread while this thread does the pure-Python work of chunk i; on two cores
        # this hides most of the lexical cost.
        results: list[Analysis] = []
        with ThreadPoolExecutor(max_workers=1) as pool:
            lexical = [self._lexical(t) for t in chunks[0]]
            pending = pool.submit(self._embed, lexical)
            for index in range(len(chunks)):
                current, embeddings = lexical, pending.result()
                if index + 1 < len(chunks):
                    lexical = [self._lexical(t) for t in chunks[index + 1]]
                    pending = pool.submit(self._embed, lexical)
                results.extend(self._finish_chunk(current, embeddings))
        return results

    def features(self, texts: Sequence[object]) -> tuple[np.ndarray, Any, list[CueHits]]:
        """Model inputs for training: dense (embedding + lexical), sparse n-grams, cue hits."""
        self.warm_up()
        dense_parts: list[np.ndarray] = []
        sparse_parts: list[Any] = []
        hits: list[CueHits] = []
        for start in range(0, len(texts), _BATCH):
            lexical = [self._lexical(t) for t in texts[start : start + _BATCH]]
            dense, ngrams = self._inputs(lexical)
            dense_parts.append(dense)
            sparse_parts.append(ngrams)
            hits.extend(lx.hits for lx in lexical)
        from scipy import sparse

        return np.vstack(dense_parts), sparse.vstack(sparse_parts).tocsr(), hits

    # -- steps -------------------------------------------------------------------------
    def _lexical(self, value: object) -> _Lexical:
        prepared = clean(value)
        words = tokens(prepared.folded)
        hits = self._cues.scan(prepared.folded)
        tox = self._tox.scan(prepared.folded)
        spans = pii.find_pii(prepared.text)
        shape = shape_features(prepared, words, len(spans))
        vector = lexical_vector(self._cues, hits, tox, shape)
        return _Lexical(prepared, words, hits, tox, spans, vector)

    def _embed(self, lexical: list[_Lexical]) -> np.ndarray:
        matrix = np.zeros((len(lexical), EMBED_DIM), dtype=np.float32)
        wanted = [i for i, lx in enumerate(lexical) if lx.clean.letters > 0]
        if wanted:
            matrix[wanted] = self._encode([lexical[i].clean.embed_text() for i in wanted])
        return matrix

    def _inputs(
        self, lexical: list[_Lexical], embeddings: np.ndarray | None = None
    ) -> tuple[np.ndarray, Any]:
        if embeddings is None:
            embeddings = self._embed(lexical)
        dense = np.hstack([embeddings, np.vstack([lx.vector for lx in lexical])])
        return dense.astype(np.float32), ngram_matrix([lx.clean.folded for lx in lexical])

    def _head(self, name: str, dense: np.ndarray, ngrams: Any) -> np.ndarray | None:
        if self._models is None or name not in self._models.heads:
            return None
        return self._models.heads[name].scores(dense, ngrams)

    def _analyse_chunk(self, texts: Sequence[object]) -> list[Analysis]:
        lexical = [self._lexical(t) for t in texts]
        return self._finish_chunk(lexical, self._embed(lexical))

    def _finish_chunk(self, lexical: list[_Lexical], embeddings: np.ndarray) -> list[Analysis]:
        matrix, ngrams = self._inputs(lexical, embeddings)
        heads = {
            name: self._head(name, matrix, ngrams)
            for name in ("type", "sentiment", "emotion", "urgency", "topic", "toxicity")
        }
        topic_sims = similarity_score(self.taxonomy.similarity(embeddings))
        return [
            self._assemble(
                lx, {k: (v[i] if v is not None else None) for k, v in heads.items()}, topic_sims[i]
            )
            for i, lx in enumerate(lexical)
        ]

    def _assemble(
        self, lx: _Lexical, heads: dict[str, np.ndarray | None], topic_sim: np.ndarray
    ) -> Analysis:
        language = self._detect_language(lx)
        lx.tox = merge_model_scores(lx.tox, heads["toxicity"])
        type_label, type_scores, type_extra = self._decide_type(lx, heads["type"])
        sentiment_p = (
            heads["sentiment"]
            if heads["sentiment"] is not None
            else rules.fallback_sentiment(self._cues, lx.hits, lx.tox)
        )
        emotion_p = (
            heads["emotion"]
            if heads["emotion"] is not None
            else rules.fallback_emotion(self._cues, lx.hits)
        )
        urgency_p = (
            heads["urgency"] if heads["urgency"] is not None else rules.fallback_urgency(lx.hits)
        )
        return self._build(
            lx,
            language,
            type_label,
            type_scores,
            type_extra,
            sentiment_p,
            emotion_p,
            urgency_p,
            heads["topic"],
            topic_sim,
        )

    def _detect_language(self, lx: _Lexical) -> LanguageGuess:
        return self._language.identify(lx.clean.text[:2000], lx.words[:400])

    def _decide_type(
        self, lx: _Lexical, model_scores: np.ndarray | None
    ) -> tuple[str, dict[str, float], list[str]]:
        if lx.clean.letters == 0:
            scores = dict.fromkeys(TYPES, 0.0)
            scores["overig"] = 1.0
            return "overig", scores, ["geen woorden om te beoordelen"]
        raw = (
            model_scores
            if model_scores is not None
            else rules.fallback_type_scores(self._cues, lx.hits, lx.tox)
        )
        scores = _rounded(TYPES, raw)
        extra: list[str] = []
        index = TYPES.index("noodkreet")
        crisis = rules.noodkreet_score(float(raw[index]), lx.hits)
        scores["noodkreet"] = round(crisis, 3)
        threshold = (
            self._models.threshold("noodkreet", rules.DEFAULT_NOODKREET_THRESHOLD)
            if self._models
            else rules.DEFAULT_NOODKREET_THRESHOLD
        )
        if crisis >= threshold:
            extra.append(
                f"noodkreet-drempel {threshold:.2f} bewust laag gezet: liever te vaak dan gemist"
            )
            return "noodkreet", scores, extra
        if lx.tox.categories and scores["aanval"] < lx.tox.score and model_scores is None:
            scores["aanval"] = round(lx.tox.score, 3)
        label = max(TYPES, key=lambda t: (scores[t], -TYPES.index(t)))
        return label, scores, extra

    def _build(
        self,
        lx: _Lexical,
        language: LanguageGuess,
        type_label: str,
        type_scores: dict[str, float],
        type_extra: list[str],
        sentiment_p: np.ndarray,
        emotion_p: np.ndarray,
        urgency_p: np.ndarray,
        topic_head: np.ndarray | None,
        topic_sim: np.ndarray,
    ) -> Analysis:
        sentiment_label = SENTIMENTS[int(np.argmax(sentiment_p))]
        sentiment = round(rules.sentiment_value(sentiment_p), 3)
        emotion = EMOTIONS[int(np.argmax(emotion_p))]
        urgency = URGENCIES[int(np.argmax(urgency_p))]
        urgency, urgency_reason = rules.adjust_urgency(
            urgency, type_label == "noodkreet", lx.hits, lx.tox
        )
        topics, topic_keywords = self._topics(lx, topic_head, topic_sim)
        notes = list(lx.clean.notes)
        if lx.clean.letters == 0:
            sentiment_label, sentiment, emotion = "neutraal", 0.0, "neutraal"
        note_text = ("let op: " + "; ".join(notes) + ". ") if notes else ""
        explanations = {
            "type": note_text
            + explain.explain_type(self._cues, lx.hits, type_label, type_scores, type_extra),
            "sentiment": explain.explain_sentiment(self._cues, lx.hits, sentiment_label, sentiment),
            "emotion": explain.explain_emotion(lx.hits, emotion, float(emotion_p.max())),
            "toxicity": lx.tox.explanation(),
            "urgency": explain.explain_urgency(
                lx.hits, urgency, float(urgency_p.max()), urgency_reason
            ),
            "topics": explain.explain_topics(topics, topic_keywords),
            "language": note_text + language.explanation,
            "pii": pii.explain(lx.spans),
        }
        return Analysis(
            language=language.code,
            type=type_label,
            type_scores=type_scores,
            type_confidence=type_scores[type_label],
            sentiment=sentiment,
            sentiment_label=sentiment_label,
            emotion=emotion,
            emotion_scores=_rounded(EMOTIONS, emotion_p),
            toxicity=lx.tox.score,
            toxicity_categories=list(lx.tox.categories),
            urgency=urgency,
            topics=topics,
            pii=lx.spans,
            redacted_text=pii.redact(lx.clean.text, lx.spans),
            explanations=explanations,
            notes=notes,
        )

    def _topics(
        self, lx: _Lexical, head: np.ndarray | None, similarity: np.ndarray
    ) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
        if lx.clean.letters == 0:
            return [], {}
        ids = self.taxonomy.ids
        found = self.taxonomy.keyword_hits(lx.clean.folded[:5000])
        keyword = np.asarray([keyword_score(len(h)) for h in found], dtype=np.float32)
        scores = 0.55 * similarity + 0.45 * keyword
        if head is not None and self._models is not None:
            head_ids = self._models.heads["topic"].classes
            if head_ids == ids:
                # The trained head only applies to the taxonomy it was trained on.
                scores = 0.6 * head + 0.25 * keyword + 0.15 * similarity
        keywords = {ids[i]: h for i, h in enumerate(found) if h}
        return pick_topics(ids, scores), keywords


_DEFAULT: Analyser | None = None
_DEFAULT_LOCK = threading.Lock()


def default_analyser() -> Analyser:
    """A shared analyser with the default taxonomy, created on first use."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Analyser()
        return _DEFAULT


def analyse(text: object) -> Analysis:
    """Analyse one message with the shared default analyser."""
    return default_analyser().analyse(text)
