// Package baseline is the rule-based grammar checker that the tutor's model is
// measured against: the peer it must beat. It runs two Debian tools, hunspell
// (spelling) and link-grammar (a parser that says whether a sentence has a
// complete parse), and proposes only the corrections they can justify.
//
// What the baseline does, exactly, for a batch of sentences:
//
//  1. Spelling. Every sentence goes, one per line, through one
//     `hunspell -a -d en_US` process. Each word hunspell flags and offers
//     suggestions for ("&" lines) becomes an edit replacing the word with the
//     first suggestion, typed "spelling", or "capitalization" when the
//     suggestion differs from the word only in letter case. Flagged words
//     without a suggestion ("#") are left alone.
//  2. a/an. "a" before a word that starts with a vowel letter becomes "an",
//     and "an" before a consonant becomes "a" (type "article"), except for
//     the sounds of uni-, use-, eu-, one- and a silent h (hour, honest). This
//     is a rule, not a parse: link-grammar accepts "a exam" and "a English
//     teacher" inside longer sentences.
//  3. Candidate rewrites, typed "agreement", on words that no edit above
//     touches: is/are, was/were, has/have, does/do, doesn't/don't swapped
//     and am→are, anywhere; the verb after he, she, it, everyone, everybody,
//     someone, somebody or nobody given -s/-es/-ies; and the verb after I,
//     you, we, they or people stripped of it. Adverbs between subject and
//     verb (always, usually, often, sometimes, never, also, really, still,
//     just) are skipped. A made-up form is dropped: every new form is looked
//     up in the same hunspell run, because link-grammar would accept an
//     unknown word as whatever fits.
//  4. Parsing. One `link-parser en` process parses each sentence with the
//     edits of 1 and 2 applied and, for each candidate rewrite and each pair
//     of them (pairs only where a sentence has at most 8), that sentence with
//     the rewrites applied too. It reports each parse's null count: the
//     words the best parse leaves unlinked; 0 means the grammar accepts the
//     sentence. Full-width punctuation ("，", "。") is given to the parser as
//     ASCII, so that one Chinese comma does not make every rewrite fail.
//  5. Choice. Where the sentence already parses with null count 0, no
//     rewrite is made. Otherwise the baseline keeps the rewrite, or pair,
//     that brings the null count to 0, preferring one rewrite to two, then the
//     lower link-grammar cost, then the earlier position; if none does, the
//     sentence keeps only the edits of 1 and 2. Link-grammar can tell that a
//     sentence is wrong but not how to fix it, so a sentence that no rewrite
//     repairs gets no further edit: a detection without a correction would
//     have no replacement to score.
//
// It proposes nothing for punctuation, word order, prepositions, tense,
// verb forms, missing or extra words, or word choice, and it does not
// inflect the verb of a noun subject ("my father go"): tried, those rewrites
// put -s on nouns and prepositions that link-grammar then accepted.
//
// Each tool runs once per call to Check, through os/exec with a time limit.
// A missing tool or dictionary is an error that names the apt-get command
// that installs it (see Packages).
//
// The package depends on model/gecscore for Edit and Apply only; it must not
// import the model, the server or the app.
package baseline
