-- Neovim's built-in LSP client (0.7: `vim.lsp.start_client`, no plugin) against
-- `cysafe server`, headless: `nvim --headless -u NONE -c "luafile tests/editor/nvim_lsp.lua"`
-- with CYSAFE_BIN (the binary) and CYSAFE_FILE (a copy of buggy.pyx.in) set. It waits for
-- the diagnostics and checks their codes and positions, fixes the CY001 by typing the
-- check and sees it go, applies CY003's quickfix and checks the buffer's text.
-- Exits 0 when all holds, 1 with the reason on stderr otherwise (tests/editor.rs runs it).

local function check()
  local cysafe = assert(os.getenv("CYSAFE_BIN"), "CYSAFE_BIN is not set")
  local file = assert(os.getenv("CYSAFE_FILE"), "CYSAFE_FILE is not set")
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "cysafe",
    cmd = { cysafe, "server" },
    root_dir = vim.fn.fnamemodify(file, ":h"),
  })
  assert(client_id, "the client did not start")
  assert(vim.lsp.buf_attach_client(buf, client_id), "the client did not attach")

  local function diagnostics()
    local found = vim.diagnostic.get(buf)
    table.sort(found, function(a, b) return a.lnum < b.lnum end)
    local shown = {}
    for _, d in ipairs(found) do
      table.insert(shown, string.format("%s:%d:%d", d.code or d.user_data.lsp.code, d.lnum, d.col))
    end
    return table.concat(shown, " ")
  end
  local function wait_for(expected)
    vim.wait(20000, function() return diagnostics() == expected end, 20)
    assert(diagnostics() == expected,
      "expected diagnostics `" .. expected .. "`, got `" .. diagnostics() .. "`")
  end

  -- 0-based lines and columns, as Neovim shows them.
  wait_for("CY001:4:27 CY003:6:4")

  -- Type the NULL check after the allocation: the CY001 goes.
  vim.api.nvim_buf_set_lines(buf, 5, 5, false, { "    if p == NULL:", "        raise MemoryError()" })
  wait_for("CY003:8:4")

  -- Ask for the code actions on the CY003 line and apply its quickfix.
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = 8, character = 4 }, ["end"] = { line = 8, character = 4 } },
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, 8) },
  }
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 20000)
  local chosen
  for _, response in pairs(responses or {}) do
    for _, action in ipairs(response.result or {}) do
      if action.kind == "quickfix" and action.title:find("keep the result of `realloc`", 1, true) then
        chosen = action
      end
    end
  end
  assert(chosen, "no CY003 quickfix among the code actions")
  vim.lsp.util.apply_workspace_edit(chosen.edit, "utf-16")
  local expected = {
    "from libc.stdlib cimport malloc, realloc, free",
    "",
    "",
    "def grow(size_t n):",
    "    cdef char* tmp",
    "    cdef char* p = <char*> malloc(n)",
    "    if p == NULL:",
    "        raise MemoryError()",
    "    p[0] = 1",
    "    tmp = <char*> realloc(p, 2 * n)",
    "    if tmp == NULL:",
    "        free(p)",
    "        raise MemoryError()",
    "    p = tmp",
    "    free(p)",
  }
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  assert(vim.deep_equal(lines, expected), "after the fix the buffer is:\n" .. table.concat(lines, "\n"))
  wait_for("")
  vim.lsp.stop_client(client_id)
end

local ok, err = pcall(check)
if ok then
  io.stdout:write("nvim: all checks passed\n")
  vim.cmd("qall!")
else
  io.stderr:write("nvim: " .. tostring(err) .. "\n")
  vim.cmd("cquit 1")
end
