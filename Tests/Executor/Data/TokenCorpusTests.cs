using ScalePlanner.Executor.Data.Corpus;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Executor.Data;

public class TokenCorpusTests
{
    [Fact]
    public void Should_Open_Shards_In_Name_Order_And_Know_Its_Largest_Token()
    {
        using var corpus = TokenCorpus.Open(TempCorpus.Counting(100, 50, 20));
        Assert.Equal(3, corpus.Shards.Count);
        Assert.Equal(170, corpus.Tokens);
        Assert.Equal(169, corpus.MaxToken);
        var first = new long[1];
        corpus.Shards[1].Read(0, first);
        Assert.Equal(100, first[0]);
    }

    [Fact]
    public void Should_Refuse_A_Vocabulary_That_Does_Not_Cover_The_Corpus()
    {
        using var corpus = TokenCorpus.Open(TempCorpus.Counting(300));
        corpus.RequireVocab(300);
        var error = Assert.Throws<SpecException>(() => corpus.RequireVocab(299));
        Assert.Equal("model.vocab", error.Field);
        Assert.Contains("largest token id 299", error.Message);
        Assert.Contains("at least 300", error.Message);
    }

    [Fact]
    public void Should_Say_When_A_Folder_Holds_No_Shards()
    {
        var error = Assert.Throws<SpecException>(() => TokenCorpus.Open(Directory.CreateTempSubdirectory("scaleplan-empty-").FullName));
        Assert.Equal("--data", error.Field);
        Assert.Contains("no *.tok shards", error.Message);
    }
}
