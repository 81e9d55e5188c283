/* Names for VMX numbers, all taken from the shared tables in include/x86/
 * (vmx_fields.def, vmx_exit_reasons.def, vmx_errors.def, vmx_controls.def). */
#include "hv.h"

struct named { uint32_t num; const char *name, *sdm; };

static const struct named exit_reasons[] = {
#define EXIT_REASON(num, name, sdm) { num, #name, sdm },
#include "x86/vmx_exit_reasons.def"
};

static const struct named vmx_errors[] = {
#define VMX_ERROR(num, name, sdm) { num, #name, sdm },
#include "x86/vmx_errors.def"
};

struct control_named { uint8_t word, bit; const char *name, *sdm; };
static const struct control_named controls[] = {
#define VMX_CONTROL(word, bit, name, sdm) { VMX_##word, bit, #name, sdm },
#include "x86/vmx_controls.def"
};

const struct vmcs_field_info vmcs_fields[] = {
#define VMCS_FIELD(name, enc, width, req, sdm) { enc, width, #name, sdm },
#include "x86/vmx_fields.def"
};
const unsigned vmcs_nfields = sizeof vmcs_fields / sizeof vmcs_fields[0];

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct named *find(const struct named *t, unsigned n, uint32_t num)
{
    for (unsigned i = 0; i < n; i++)
        if (t[i].num == num)
            return &t[i];
    return NULL;
}

const char *exit_reason_name(uint32_t basic)
{
    const struct named *r = find(exit_reasons, N(exit_reasons), basic);
    return r ? r->name : "UNKNOWN_EXIT_REASON";
}

const char *exit_reason_sdm(uint32_t basic)
{
    const struct named *r = find(exit_reasons, N(exit_reasons), basic);
    return r ? r->sdm : "(not in the SDM's table of basic exit reasons)";
}

const char *vmx_error_name(uint64_t err)
{
    const struct named *r = err < 64 ? find(vmx_errors, N(vmx_errors), (uint32_t)err) : NULL;
    return r ? r->sdm : "(not an SDM VM-instruction error number)";
}

const char *control_name(enum vmx_control_word w, unsigned bit)
{
    for (unsigned i = 0; i < N(controls); i++)
        if (controls[i].word == w && controls[i].bit == bit)
            return controls[i].sdm;
    return NULL;
}

const char *control_word_name(enum vmx_control_word w)
{
    static const char *const names[VMX_CONTROL_WORDS] = {
        [VMX_PIN] = "pin-based VM-execution",
        [VMX_PROC] = "primary processor-based VM-execution",
        [VMX_PROC2] = "secondary processor-based VM-execution",
        [VMX_EXIT] = "VM-exit",
        [VMX_ENTRY] = "VM-entry",
    };
    return w < VMX_CONTROL_WORDS ? names[w] : "?";
}

const char *vmcs_field_name(uint32_t enc)
{
    for (unsigned i = 0; i < vmcs_nfields; i++)
        if (vmcs_fields[i].enc == enc)
            return vmcs_fields[i].name;
    return "UNKNOWN_FIELD";
}
