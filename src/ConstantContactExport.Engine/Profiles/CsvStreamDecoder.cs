using System;
using System.IO;
using System.Text;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// Turns the bytes of a CSV file into the text CsvHelper parses, without hiding bad bytes: a sequence that is not
/// valid in the encoding becomes <see cref="InvalidByteMarker"/> (U+FFFF, a noncharacter that real text never
/// holds, unlike U+FFFD, which a file may legitimately contain). The reader counts markers and NULs as it decodes,
/// so that it looks for them in records only when some are pending, and the common clean file pays one vectorized
/// scan per block.
/// </summary>
internal sealed class CsvStreamDecoder : TextReader
{
    public const char InvalidByteMarker = '\uFFFF';

    private const char ByteOrderMark = '\uFEFF';

    private readonly Stream stream;
    private readonly Decoder decoder;
    private readonly byte[] bytes;
    private readonly char[] chars;
    private int bytePosition;
    private int byteCount;
    private int charPosition;
    private int charCount;
    private bool streamEnded;
    private bool flushed;
    private bool atStart = true;

    /// <param name="stream">The rest of the file, after <paramref name="head"/>.</param>
    /// <param name="encoding">The encoding to decode with (its fallback is replaced by the marker).</param>
    /// <param name="head">The bytes already read from the start of the file; this instance takes the array over.</param>
    /// <param name="headStart">Where the text starts in <paramref name="head"/> (after a byte order mark).</param>
    /// <param name="headLength">How many bytes of <paramref name="head"/> hold data.</param>
    /// <param name="streamEnded">True when the head is the whole file.</param>
    public CsvStreamDecoder(Stream stream, Encoding encoding, byte[] head, int headStart, int headLength, bool streamEnded)
    {
        this.stream = stream;
        decoder = CsvEncodingDetector.WithDecoderMarker(encoding, InvalidByteMarker).GetDecoder();
        bytes = head;
        bytePosition = headStart;
        byteCount = headLength;
        BytesRead = headLength;
        this.streamEnded = streamEnded;

        // One byte decodes to at most one char in every encoding we meet, so a block always fits.
        chars = new char[head.Length + 2];
    }

    /// <summary>Bytes taken from the stream so far (read ahead of the parser by at most one block).</summary>
    public long BytesRead { get; private set; }

    /// <summary>How many <see cref="InvalidByteMarker"/>s and NULs have been decoded so far.</summary>
    public long SuspectChars { get; private set; }

    /// <summary>
    /// Decodes the first block, so that the delimiter can be sniffed from it before parsing starts.
    /// The text stays queued for <see cref="Read(char[], int, int)"/>.
    /// </summary>
    /// <param name="wholeText">True when the block is all the file holds.</param>
    public ArraySegment<char> PeekFirstBlock(out bool wholeText)
    {
        if (charPosition == charCount)
        {
            Decode();
        }

        wholeText = flushed;
        return new ArraySegment<char>(chars, charPosition, charCount - charPosition);
    }

    public override int Read(char[] buffer, int index, int count)
    {
        if (charPosition == charCount && !Decode())
        {
            return 0;
        }

        int n = Math.Min(count, charCount - charPosition);
        Array.Copy(chars, charPosition, buffer, index, n);
        charPosition += n;
        return n;
    }

    public override int Peek() => charPosition < charCount || Decode() ? chars[charPosition] : -1;

    public override int Read() => charPosition < charCount || Decode() ? chars[charPosition++] : -1;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            stream.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Refills the char block; false at the end of the file.</summary>
    private bool Decode()
    {
        charPosition = 0;
        charCount = 0;
        while (!flushed)
        {
            if (bytePosition == byteCount && !streamEnded)
            {
                bytePosition = 0;
                byteCount = stream.Read(bytes, 0, bytes.Length);
                BytesRead += byteCount;
                streamEnded = byteCount == 0;
            }

            // flush at the end turns a truncated last sequence into a marker rather than dropping it.
            decoder.Convert(bytes, bytePosition, byteCount - bytePosition, chars, 0, chars.Length, streamEnded, out int used, out int produced, out bool completed);
            bytePosition += used;
            flushed = streamEnded && completed;
            if (produced > 0)
            {
                charCount = produced;
                if (atStart)
                {
                    atStart = false;

                    // A BOM the detector did not consume (a given encoding, a doubled mark) would otherwise become
                    // part of the first header name: "\ufeffname", or worse, hide the quote of "\ufeff\"name\"".
                    if (chars[0] == ByteOrderMark)
                    {
                        charPosition = 1;
                    }
                }

                CountSuspects();
                if (charPosition < charCount)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void CountSuspects()
    {
        ReadOnlySpan<char> rest = chars.AsSpan(charPosition, charCount - charPosition);
        int at;
        while ((at = rest.IndexOfAny(InvalidByteMarker, '\0')) >= 0)
        {
            SuspectChars++;
            rest = rest.Slice(at + 1);
        }
    }
}
