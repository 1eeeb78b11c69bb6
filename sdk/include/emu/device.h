// Devices: objects with a realize step.
//
// Construction only allocates; properties are set next; then setting "realized" to true (or
// calling realize()) runs do_realize(), which may throw Error with a message shown verbatim to
// the user. After realize, only properties marked runtime_settable may change.
#pragma once

#include "emu/object.h"

namespace emu {

class Device : public Object {
public:
    bool realized() const override { return realized_; }
    // Run do_realize(); on failure the device stays unrealized and the Error propagates.
    void realize();
    // Run do_unrealize() if realized. Errors are not expected here and are not thrown.
    void unrealize();

protected:
    virtual void do_realize() {}
    virtual void do_unrealize() {}

private:
    bool realized_ = false;
};

}  // namespace emu
