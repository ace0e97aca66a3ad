using System.CommandLine;
using ScalePlanner.Executor.Data.Corpus;
using ScalePlanner.Reports;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `scaleplan tokenize INPUT.txt --out DIR [--shard-tokens N]`: turns a text file into token shards (<see cref="TextShards"/>,
/// <see cref="TokenShardFormat"/>) for `execute --data DIR`, written all or nothing (<see cref="OutputFolder"/>).
/// </summary>
public static class TokenizeCommand
{
    /// <summary>16 Mi tokens (32 MiB at uint16) per shard by default: few files for a small corpus, pages mapped on demand for a large one.</summary>
    private const int DefaultShardTokens = 1 << 24;

    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Text file to tokenise (each byte becomes one token, vocabulary 256)." };
        var output = new Option<string>("--out") { Description = "Folder for the shards.", Required = true };
        var shardTokens = new Option<int>("--shard-tokens") { Description = "Tokens per shard.", DefaultValueFactory = _ => DefaultShardTokens };
        var command = new Command("tokenize", "Make token shards from a text file with the byte-level tokenizer, for `execute --data`.") { input, output, shardTokens };
        command.SetAction(parse =>
        {
            OutputFolder.Validate(parse.GetValue(output));
            var shards = TextShards.Of(parse.GetValue(input)!, parse.GetValue(shardTokens));
            CommonOptions.PrintWritten(OutputFolder.Write(parse.GetValue(output)!, shards.Files));
            Console.WriteLine($"{shards.Tokens:N0} tokens in {shards.Files.Count} shard(s), byte-level vocabulary {ByteTokenizer.Vocab}");
            return 0;
        });
        return command;
    }
}
