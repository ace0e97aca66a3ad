namespace ScalePlanner.Executor.Data.Corpus;

/// <summary>
/// The simplest tokenizer that reads any text: each byte of the file (UTF-8 or otherwise) is one token, ids 0–255, as in
/// ByT5 (Xue et al. 2022) without its special ids. A model trained on it needs model.vocab ≥ 256.
/// </summary>
public static class ByteTokenizer
{
    public const int Vocab = 256;

    public static int[] Encode(ReadOnlySpan<byte> bytes)
    {
        var tokens = new int[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) tokens[i] = bytes[i];
        return tokens;
    }
}
