#include "legion/corpus.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "legion/hash.hpp"
#include "legion/tokenizer.hpp"

namespace legion {
namespace {

std::uint64_t corpus_hash(const std::vector<Document>& corpus) {
  std::uint64_t hash = fnv1a("corpus");
  for (const Document& document : corpus) {
    hash = fnv1a(document.id, hash);
    hash = fnv1a("\x1f", hash);
    hash = fnv1a(document.text, hash);
    hash = fnv1a("\x1e", hash);
  }
  return hash;
}

std::vector<std::string> tokens(const std::string& text) {
  std::vector<std::string> result;
  for_each_token(text, [&](std::string_view token) { result.emplace_back(token); });
  return result;
}

TEST(Corpus, IsByteIdenticalForASeed) {
  const auto corpus = generate_corpus(100, 7);
  EXPECT_EQ(corpus_hash(corpus), corpus_hash(generate_corpus(100, 7)));
  // Golden value: a change here changes every benchmark corpus, so it must be deliberate.
  EXPECT_EQ(hex64(corpus_hash(corpus)), "f99e2671c27c051b");
  EXPECT_NE(corpus_hash(corpus), corpus_hash(generate_corpus(100, 8)));
}

TEST(Corpus, APrefixOfALargerCorpusIsTheSmallerCorpus) {
  const auto small = generate_corpus(50, 7);
  const auto large = generate_corpus(120, 7);
  ASSERT_EQ(small.size(), 50u);
  ASSERT_EQ(large.size(), 120u);
  for (std::size_t i = 0; i < small.size(); ++i) EXPECT_EQ(small[i].text, large[i].text);
  EXPECT_TRUE(generate_corpus(0, 7).empty());
}

TEST(Corpus, VocabularyHas2000DistinctLetterOnlyWords) {
  const auto& vocabulary = corpus_vocabulary();
  ASSERT_EQ(vocabulary.size(), 2000u);
  EXPECT_EQ(std::set<std::string>(vocabulary.begin(), vocabulary.end()).size(), 2000u);
  for (const std::string& word : vocabulary) {
    ASSERT_FALSE(word.empty());
    for (char c : word) ASSERT_TRUE(c >= 'a' && c <= 'z') << word;
    EXPECT_TRUE(word != "the" && word != "code" && word != "of" && word != "item" && word != "is");
  }
}

TEST(Corpus, DocumentsHaveTheDocumentedShape) {
  const auto corpus = generate_corpus(300, 7);
  const std::set<std::string> vocabulary(corpus_vocabulary().begin(), corpus_vocabulary().end());
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    const Document& document = corpus[i];
    EXPECT_EQ(document.id, "doc-" + std::to_string(i));
    const std::string fact =
        "The code of item " + std::to_string(i) + " is " + corpus_fact_code(i, 7) + ".";
    EXPECT_NE(document.text.find(fact), std::string::npos) << document.text;
    const auto words = tokens(document.text);
    ASSERT_GE(words.size(), 40u + 7u);
    ASSERT_LE(words.size(), 80u + 7u);
    std::size_t body = 0;
    for (const std::string& word : words) body += vocabulary.count(word);
    EXPECT_EQ(body, words.size() - 7);  // everything but the fact sentence is vocabulary
  }
}

TEST(Corpus, WordFrequenciesAreZipfLike) {
  std::vector<std::size_t> counts(corpus_vocabulary().size());
  std::map<std::string, std::size_t> rank;
  for (std::size_t r = 0; r < corpus_vocabulary().size(); ++r) rank[corpus_vocabulary()[r]] = r;
  for (const Document& document : generate_corpus(2000, 1)) {
    for (const std::string& word : tokens(document.text)) {
      const auto found = rank.find(word);
      if (found != rank.end()) ++counts[found->second];
    }
  }
  // P(rank r) ~ 1 / (r + 1): rank 0 about twice rank 1 and ten times rank 9.
  EXPECT_NEAR(static_cast<double>(counts[0]) / counts[1], 2.0, 0.2);
  EXPECT_NEAR(static_cast<double>(counts[0]) / counts[9], 10.0, 1.5);
  EXPECT_GT(counts[0], 100 * counts[1999] / 2);
}

TEST(Corpus, FactCodesAreSeededAndNeverLookLikeItemNumbers) {
  EXPECT_EQ(corpus_fact_code(5, 7), corpus_fact_code(5, 7));
  EXPECT_NE(corpus_fact_code(5, 7), corpus_fact_code(5, 8));
  EXPECT_NE(corpus_fact_code(5, 7), corpus_fact_code(6, 7));
  for (std::size_t i = 0; i < 1000; ++i) {
    const std::string code = corpus_fact_code(i, 42);
    ASSERT_EQ(code.size(), 8u);
    EXPECT_TRUE(code[0] >= 'A' && code[0] <= 'Z') << code;
    for (char c : code) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) << code;
  }
}

TEST(Corpus, FactQueryNamesTheItemAndTwoOfItsWords) {
  const std::string query = corpus_fact_query(1234);
  ASSERT_EQ(query.rfind("code of item 1234 ", 0), 0u) << query;
  const auto query_tokens = tokens(query);
  ASSERT_EQ(query_tokens.size(), 6u);
  const auto document = generate_corpus(1235, 99).back();
  const std::string pair = " " + query_tokens[4] + " " + query_tokens[5];
  std::string lowered = document.text;
  for (char& c : lowered) c = to_lower_ascii(static_cast<unsigned char>(c));
  EXPECT_NE(lowered.find(pair), std::string::npos) << query << " / " << document.text;
}

}  // namespace
}  // namespace legion
