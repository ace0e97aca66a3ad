using System.CommandLine;
using ScalePlanner.Executor.Data.Corpus;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `scaleplan tokenize INPUT.txt --out DIR [--shard-tokens N]`: turns a text file into token shards (<see cref="TokenShardFormat"/>)
/// with the byte-level tokenizer, for `execute --data DIR`. The shards are written all or nothing (<see cref="OutputFolder"/>).
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
            string path = parse.GetValue(input)!;
            int perShard = parse.GetValue(shardTokens);
            if (perShard < 2) throw new SpecException("--shard-tokens", $"{perShard}; allowed: 2 or more tokens per shard");
            if (!File.Exists(path)) throw new SpecException("input", $"'{path}' does not exist");
            long length = new FileInfo(path).Length;
            if (length == 0) throw new SpecException("input", $"'{path}' is empty; allowed: a file of at least one byte");
            int shards = (int)((length + perShard - 1) / perShard);
            var files = Enumerable.Range(0, shards).ToDictionary(TokenShardWriter.ShardName, s => (Action<string>)(temp => WriteShard(path, s * (long)perShard, (int)Math.Min(perShard, length - s * (long)perShard), temp)));
            foreach (string written in OutputFolder.Write(parse.GetValue(output)!, files)) Console.Error.WriteLine($"wrote {written}");
            Console.WriteLine($"{length:N0} tokens in {shards} shard(s), byte-level vocabulary {ByteTokenizer.Vocab}");
            return 0;
        });
        return command;
    }

    private static void WriteShard(string input, long offset, int count, string into)
    {
        var bytes = new byte[count];
        using (var stream = File.OpenRead(input))
        {
            stream.Position = offset;
            stream.ReadExactly(bytes);
        }
        TokenShardWriter.Write(into, ByteTokenizer.Encode(bytes));
    }
}
