"""Tables in and out: one registry of formats (:mod:`heartscore.io.formats`) and the
functions that read and write through it (:mod:`heartscore.io.files`)."""
from .files import (REPLACEMENT_NOTE, TEXT_COLUMN_HINTS, ChunkWriter, atomic_output,
                    check_output_path, count_rows, detect_format, detect_text_column,
                    get_format, iter_chunks, join_files, output_lock, part_rows, read_table,
                    refuse_input_as_output, remove_stale_parts, stdin_table, write_table)
from .formats import EXTENSIONS, FORMATS, Format, register, unregister

__all__ = ["FORMATS", "EXTENSIONS", "Format", "REPLACEMENT_NOTE", "TEXT_COLUMN_HINTS",
           "ChunkWriter", "atomic_output", "check_output_path", "count_rows", "detect_format",
           "detect_text_column",
           "get_format", "iter_chunks", "join_files", "output_lock", "part_rows", "read_table",
           "refuse_input_as_output", "register", "remove_stale_parts", "stdin_table", "unregister",
           "write_table"]
