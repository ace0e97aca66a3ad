using ScalePlanner.Executor.Data.Corpus;
using ScalePlanner.Executor.Data;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Executor.Execution;

/// <summary>
/// The input pipeline `execute` trains from, built from <see cref="InputOptions"/>: rows from the corpus (shuffled per epoch,
/// randomly cropped) or from the synthetic Markov source, masked as asked, loaded on the training thread or by parallel workers.
/// Disposing it stops the workers and unmaps the shards.
/// </summary>
public sealed class InputPipeline : IDisposable
{
    /// <summary>Successors per token of the synthetic source: a few, so the entropy rate is well below log V and learning is visible.</summary>
    private const int Branching = 4;
    private const int ChainSeed = 1, RowSeed = 2, MaskSeed = 3;

    private readonly TokenCorpus? corpus;
    private readonly ParallelLoader? loader;

    /// <param name="position">Where this stream starts: a sample index of the replica's own stream.</param>
    /// <param name="slice">The rows of one data-parallel replica (null: the whole stream).</param>
    public InputPipeline(InputOptions options, ModelSpec model, int microBatch, long position = 0, ReplicaSlice? slice = null)
    {
        if (options.Workers < 0) throw new SpecException("--workers", $"{options.Workers}; allowed: 0 (load on the training thread) or more");
        if (options.Prefetch < 1) throw new SpecException("--prefetch", $"{options.Prefetch} batches; allowed: 1 or more");
        var masking = new TokenMasking(options.MaskProbability, MaskSeed);
        ISampleRows rows;
        if (options.DataFolder is { } folder)
        {
            corpus = TokenCorpus.Open(folder);
            try
            {
                corpus.RequireVocab(model.Vocab);
                rows = new CorpusRows(corpus, model.SequenceLength, RowSeed, crop: true);
            }
            catch
            {
                corpus.Dispose();
                throw;
            }
            EntropyRate = double.NaN;
            Description = $"{corpus.Tokens:N0} tokens in {corpus.Shards.Count} shard(s) of '{folder}', shuffled per epoch, random crop";
        }
        else
        {
            var source = SyntheticSource(model);
            rows = new MarkovRows(source, model.SequenceLength, RowSeed);
            EntropyRate = source.EntropyRate;
            Description = $"synthetic Markov source (entropy rate {source.EntropyRate:F3} nats/token)";
        }
        var assembler = new BatchAssembler(rows, masking, slice);
        if (options.Workers == 0) Source = new RowBatches(assembler, position);
        else Source = loader = new ParallelLoader(assembler, microBatch, options.Workers, options.Prefetch, position);
        Description += options.Workers == 0 ? ", loaded on the training thread" : $", {options.Workers} worker(s), prefetch {options.Prefetch}";
        if (options.MaskProbability > 0) Description += $", inputs masked with p = {options.MaskProbability} (id {TokenMasking.MaskToken})";
    }

    /// <summary>The synthetic source every `execute` trains on without `--data`, in one process or many.</summary>
    public static MarkovSource SyntheticSource(ModelSpec model) => new(model.Vocab, Math.Min(Branching, model.Vocab), ChainSeed);

    /// <summary>Seed of the synthetic rows (with <see cref="SyntheticSource"/>), so every rank draws the one-process stream.</summary>
    public const int SyntheticRowSeed = RowSeed;

    public IBatchSource Source { get; }

    /// <summary>The lowest loss reachable (nats per token) when the source's is known (synthetic); NaN for a corpus.</summary>
    public double EntropyRate { get; }

    /// <summary>One line saying where batches come from.</summary>
    public string Description { get; }

    public void Dispose()
    {
        loader?.Dispose();
        corpus?.Dispose();
    }
}
