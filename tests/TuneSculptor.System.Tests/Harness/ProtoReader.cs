using System.Buffers.Binary;
using System.Text;

namespace TuneSculptor.System.Tests.Harness;

/// <summary>Reads one length-delimited field: a string, bytes or a nested message.</summary>
public delegate void ProtoFieldHandler(ReadOnlySpan<byte> value);

/// <summary>
/// The protobuf wire format, just enough to read OTLP: fields are (number, wire type) tags followed by a varint, a
/// fixed 64- or 32-bit value, or a length-prefixed run of bytes (strings, bytes and nested messages alike).
/// </summary>
public ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _rest = data;
    private int _wireType;

    public int Field { get; private set; }

    /// <summary>Hands every occurrence of the length-delimited <paramref name="field"/> to <paramref name="handle"/>; skips the rest.</summary>
    public static void ForEach(ReadOnlySpan<byte> message, int field, ProtoFieldHandler handle)
    {
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            if (reader.Field == field)
            {
                handle(reader.ReadBytes());
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next()
    {
        if (_rest.IsEmpty)
        {
            return false;
        }

        var tag = ReadVarint();
        Field = (int)(tag >> 3);
        _wireType = (int)(tag & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = _rest[0];
            _rest = _rest[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("A varint is longer than 10 bytes.");
    }

    /// <summary>A length-delimited field: a string, bytes, or a nested message to read with a new reader.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        Expect(2);
        var length = checked((int)ReadVarint());
        var bytes = _rest[..length];
        _rest = _rest[length..];
        return bytes;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    public double ReadDouble()
    {
        Expect(1);
        var value = BinaryPrimitives.ReadDoubleLittleEndian(_rest);
        _rest = _rest[8..];
        return value;
    }

    public void Skip()
    {
        switch (_wireType)
        {
            case 0: ReadVarint(); break;
            case 1: _rest = _rest[8..]; break;
            case 2: ReadBytes(); break;
            case 5: _rest = _rest[4..]; break;
            default: throw new FormatException($"Wire type {_wireType} (field {Field}) is not used by OTLP.");
        }
    }

    private readonly void Expect(int wireType)
    {
        if (_wireType != wireType)
        {
            throw new FormatException($"Field {Field} has wire type {_wireType}, not {wireType}.");
        }
    }
}
